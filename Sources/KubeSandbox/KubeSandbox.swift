// KubeSandbox: an in-memory Kubernetes API server (v1.28 semantics) on 127.0.0.1, for tests and
// for trying regcred without a cluster. This file owns the public entry point: options, start,
// stop/restart on the same port with the same state, kubeconfig output, counters and faults.
//
// It serves core/v1 namespaces, secrets, serviceaccounts, events and pods,
// events.k8s.io/v1 events, coordination.k8s.io/v1 leases and regcred.dev/v1alpha1
// ClusterPullSecrets (see ResourceRegistry) with discovery that kubectl understands;
// metadata, validation, patch, list/watch, RBAC and error bodies follow kube-apiserver, and pod
// creation goes through the mutating webhooks of stored MutatingWebhookConfigurations.
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Synchronization

public final class KubeSandbox: Sendable {
    public struct Options: Sendable {
        public var tls: Bool = false
        /// How long after a namespace is created its `default` ServiceAccount appears; nil = never
        /// (as in a cluster without kube-controller-manager).
        public var defaultServiceAccountDelay: Duration? = .milliseconds(50)
        /// Changes kept per resource for watch resumption; older resourceVersions get 410 Gone.
        public var watchHistoryWindow: Int = 10_000
        public var bookmarkInterval: Duration = .seconds(1)
        public var users: [SandboxUser] = [.admin]
        /// Requests that present no credentials act as this user instead of getting 401, like
        /// the API server's old insecure port. kubectl (client-go) sends tokens only over HTTPS,
        /// so a plain-HTTP sandbox that kubectl should use sets this (regcred-sandbox does).
        public var unauthenticatedUser: String? = nil
        /// 0 = any free port.
        public var port: Int = 0
        public var registry = ResourceRegistry()
        /// Where the Service a webhook's `clientConfig.service` names is served: a loopback
        /// `host:port`. The real server resolves the Service; the sandbox has none, so the test
        /// says where its stand-in listens. The TLS server name stays `<name>.<namespace>.svc`.
        public var webhookServices: [WebhookService: String] = [:]
        public init() {}
    }

    /// A webhook's `clientConfig.service`: namespace, name and port (443 when unset).
    public struct WebhookService: Hashable, Sendable {
        public var namespace: String
        public var name: String
        public var port: Int

        public init(namespace: String, name: String, port: Int = 443) {
            self.namespace = namespace
            self.name = name
            self.port = port
        }
    }

    public enum StartError: Error, CustomStringConvertible {
        case couldNotListen(port: Int)
        case alreadyRunning
        public var description: String {
            switch self {
            case .couldNotListen(let port): "the sandbox could not listen on 127.0.0.1:\(port) (port in use?)"
            case .alreadyRunning: "the sandbox is already running; stop it before restarting"
            }
        }
    }

    private struct Running: Sendable {
        var port: Int
        var task: Task<Void, Never>?
    }

    public let options: Options
    public let faults: FaultInjector
    /// CA, server and client certificates when `options.tls` is set.
    public let tlsMaterial: TLSMaterial?
    let store: ObjectStore
    let counters = RequestCounters()
    private let running: Mutex<Running>

    private init(options: Options, tlsMaterial: TLSMaterial?) {
        self.options = options
        self.tlsMaterial = tlsMaterial
        let store = ObjectStore(registry: options.registry, settings: .init(
            defaultServiceAccountDelay: options.defaultServiceAccountDelay,
            watchHistoryWindow: options.watchHistoryWindow,
            bookmarkInterval: options.bookmarkInterval))
        self.store = store
        self.faults = FaultInjector(onDropWatches: { await store.dropWatches() },
                                    onForceGone: { await store.forceGoneOnNextWatch() },
                                    onCompact: { await store.compactHistory() })
        self.running = Mutex(Running(port: options.port, task: nil))
    }

    public static func start(_ options: Options = Options()) async throws -> KubeSandbox {
        let material = options.tls ? try TLSMaterial.generate(users: options.users.map(\.name)) : nil
        let sandbox = KubeSandbox(options: options, tlsMaterial: material)
        await sandbox.store.bootstrap()
        try await sandbox.listen()
        return sandbox
    }

    public var port: Int { running.withLock { $0.port } }

    public var url: String { "\(options.tls ? "https" : "http")://127.0.0.1:\(port)" }

    public func requestCount(verb: String, resource: String) async -> Int {
        counters.count(verb: verb, resource: resource)
    }

    public func resetRequestCounts() async {
        counters.reset()
    }

    /// Number of watch streams currently open (tests wait on it after dropping watches).
    public func openWatchCount() async -> Int {
        await store.openWatchCount
    }

    /// Stops serving: open watches end, the port closes; objects are kept for `restart()`.
    public func stop() async throws {
        let task = running.withLock { state -> Task<Void, Never>? in
            defer { state.task = nil }
            return state.task
        }
        guard let task else { return }
        await store.dropWatches()
        task.cancel()
        await task.value
    }

    /// Serves again on the same port with the same objects and resourceVersions.
    public func restart() async throws {
        try await stop()
        // The port was just released; retry briefly in case the kernel has not freed it yet.
        var attempt = 0
        while true {
            do {
                try await listen()
                return
            } catch StartError.couldNotListen where attempt < 20 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    private func listen() async throws {
        let wantedPort = running.withLock { $0.port }
        let responder = APIResponder(store: store, registry: options.registry, users: options.users,
                                     unauthenticatedUser: options.unauthenticatedUser.flatMap { name in options.users.first { $0.name == name } },
                                     faults: faults,
                                     admission: MutatingAdmission(store: store, registry: options.registry,
                                                                  services: options.webhookServices),
                                     counters: counters, serverAddress: { [weak self] in "127.0.0.1:\(self?.port ?? 0)" })
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "regcred-sandbox")
        logger.logLevel = .critical
        let configuration = ApplicationConfiguration(address: .hostname("127.0.0.1", port: wantedPort), serverName: nil)
        let onRunning: @Sendable (any Channel) async -> Void = { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
        }
        let task: Task<Void, Never>
        if let material = tlsMaterial {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(material.serverCertificatePEM.utf8), format: .pem))],
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(material.serverKeyPEM.utf8), format: .pem)))
            tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(material.caPEM.utf8), format: .pem)])
            // Client certificates are optional: token users connect without one.
            tls.certificateVerification = .optionalVerification
            let app = Application(responder: responder, server: try .tls(.http1(), tlsConfiguration: tls),
                                  configuration: configuration, onServerRunning: onRunning, logger: logger)
            task = Task {
                try? await app.run()
                portContinuation.finish()
            }
        } else {
            let app = Application(responder: responder, configuration: configuration, onServerRunning: onRunning, logger: logger)
            task = Task {
                try? await app.run()
                portContinuation.finish()
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw StartError.couldNotListen(port: wantedPort)
        }
        running.withLock {
            $0.port = port
            $0.task = task
        }
    }

    // MARK: kubeconfig

    /// A kubeconfig for `user` (token auth, or its client certificate with `clientCertificate`).
    public func kubeconfigYAML(user: String = "admin", namespace: String = "default") -> String {
        kubeconfigYAML(user: user, namespace: namespace, clientCertificate: false)
    }

    public func kubeconfigYAML(user: String, namespace: String, clientCertificate: Bool) -> String {
        let token = options.users.first { $0.name == user }?.token ?? ""
        var cluster = "    server: \(url)\n"
        if let material = tlsMaterial {
            cluster += "    certificate-authority-data: \(Data(material.caPEM.utf8).base64EncodedString())\n"
        }
        var credentials = ""
        if clientCertificate, let pair = tlsMaterial?.clientCertificates[user] {
            credentials += "    client-certificate-data: \(Data(pair.certificate.utf8).base64EncodedString())\n"
            credentials += "    client-key-data: \(Data(pair.key.utf8).base64EncodedString())\n"
        } else {
            credentials += "    token: \(token)\n"
        }
        return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: regcred-sandbox
          cluster:
        \(cluster)users:
        - name: \(user)
          user:
        \(credentials)contexts:
        - name: regcred-sandbox
          context:
            cluster: regcred-sandbox
            user: \(user)
            namespace: \(namespace)
        current-context: regcred-sandbox
        preferences: {}

        """
    }

    public func writeKubeconfig(to path: String, user: String = "admin", namespace: String = "default") throws {
        try kubeconfigYAML(user: user, namespace: namespace).write(toFile: path, atomically: true, encoding: .utf8)
    }
}
