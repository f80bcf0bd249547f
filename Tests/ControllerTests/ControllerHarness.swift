// A cluster for controller tests: the one in REGCRED_E2E_KUBECONFIG when set (the CRD must be
// installed; everything the test creates is uniquely named and removed), else an in-process
// KubeSandbox. The controller under test runs in-process against it through a kubeconfig.
import Controller
import CredentialSources
import Foundation
import KubeSandbox
import KubernetesClient
import Logging
import Operations
import RegcredCore
import TestPeers
import Testing

struct ControllerHarness {
    let client: KubeClient
    let sandbox: KubeSandbox?
    /// Unique per test: prefixes every namespace and names the label that selects them.
    let id: String
    let controllerNamespace: String
    var selector: RegcredCore.LabelSelector { RegcredCore.LabelSelector(matchLabels: ["regcred-e2e": id]) }
    /// On every ClusterPullSecret the test creates: its controller serves only those (`--selector`),
    /// so tests sharing one real cluster never reconcile each other's.
    var clusterPullSecretLabels: [String: String] { ["regcred-e2e": id] }
    var clusterPullSecretSelector: LabelQuery { LabelQuery(matchLabels: clusterPullSecretLabels) }

    static var e2eKubeconfig: String? {
        ProcessInfo.processInfo.environment["REGCRED_E2E_KUBECONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func start(sandboxOptions: KubeSandbox.Options = KubeSandbox.Options()) async throws -> ControllerHarness {
        let id = "e2e-\(UUID().uuidString.prefix(6).lowercased())"
        let sandbox: KubeSandbox?
        var config: ClientConfig
        if let path = e2eKubeconfig {
            sandbox = nil
            config = try KubeconfigLoader(explicitPath: path, environment: [:]).clientConfig()
        } else {
            let started = try await KubeSandbox.start(sandboxOptions)
            sandbox = started
            config = try KubeconfigLoader(environment: [:]).resolve(try Kubeconfig.parse(started.kubeconfigYAML(), path: "sandbox"))
        }
        config.qps = 200
        config.burst = 400
        let client = try KubeClient(config: config)
        let harness = ControllerHarness(client: client, sandbox: sandbox, id: id, controllerNamespace: "\(id)-system")
        _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: harness.controllerNamespace)))
        return harness
    }

    /// Runs `body` with a harness and always cleans up.
    static func run(sandboxOptions: KubeSandbox.Options = KubeSandbox.Options(), _ body: (ControllerHarness) async throws -> Void) async throws {
        let harness = try await start(sandboxOptions: sandboxOptions)
        try await withRunning { try await body(harness) } finally: { await harness.stop() }
    }

    func stop() async {
        for resource in (try? await client.resource(ClusterPullSecret.self).list().items) ?? [] {
            guard let name = resource.metadata.name, name.hasPrefix(id) else { continue }
            var released = resource
            released.metadata.finalizers = []
            _ = try? await client.resource(ClusterPullSecret.self).update(released)
            try? await client.resource(ClusterPullSecret.self).delete(name)
        }
        for namespace in (try? await client.resource(Namespace.self).list().items) ?? [] {
            guard let name = namespace.metadata.name, name.hasPrefix(id) else { continue }
            try? await client.resource(Namespace.self).delete(name)
        }
        try? await client.shutdown()
        try? await sandbox?.stop()
    }

    // MARK: building the world

    @discardableResult
    func namespace(_ suffix: String, selected: Bool = true, labels: [String: String] = [:], annotations: [String: String] = [:]) async throws -> String {
        let name = "\(id)-\(suffix)"
        var allLabels = labels
        if selected { allLabels["regcred-e2e"] = id }
        _ = try await client.resource(Namespace.self).create(
            Namespace(metadata: ObjectMeta(name: name, labels: allLabels, annotations: annotations)))
        return name
    }

    func sourceSecret(_ name: String = "registry-token", username: String = "robot", password: String) async throws {
        try await sourceSecret(name, data: ["username": Data(username.utf8), "password": Data(password.utf8)])
    }

    /// The source secret with exactly these keys (replacing every key it had).
    func sourceSecret(_ name: String = "registry-token", data: [String: Data]) async throws {
        let secrets = client.resource(Secret.self, namespace: controllerNamespace)
        let secret = Secret(metadata: ObjectMeta(name: name, namespace: controllerNamespace), data: data)
        if let existing = try? await secrets.get(name) {
            var updated = existing
            updated.data = secret.data
            _ = try await secrets.update(updated)
        } else {
            _ = try await secrets.create(secret)
        }
    }

    func clusterPullSecret(
        _ suffix: String, registries: [String] = ["ghcr.io"], secretName: String? = nil, exclude: [String] = [],
        serviceAccounts: [String]? = nil, podInjection: PodInjectionSpec? = nil
    ) async throws -> String {
        let name = "\(id)-\(suffix)"
        let spec = ClusterPullSecretSpec(
            registries: registries, source: CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "registry-token"))),
            secretName: secretName, namespaces: NamespacesSpec(selector: selector, exclude: exclude.map { "\(id)-\($0)" }),
            serviceAccounts: serviceAccounts, podInjection: podInjection)
        _ = try await client.resource(ClusterPullSecret.self).create(
            ClusterPullSecret(metadata: ObjectMeta(name: name, labels: clusterPullSecretLabels), spec: spec))
        return name
    }

    // MARK: running the controller

    /// `requestObserver` sees every request the controller's own client sends (verb, HTTP status).
    /// `config` runs the controller as another identity (a service account's token).
    func withController(
        logger given: Logger? = nil, config: ClientConfig? = nil,
        requestObserver: (@Sendable (_ verb: String, _ status: Int) -> Void)? = nil,
        _ body: (PullSecretController) async throws -> Void
    ) async throws {
        var logger = given ?? Logger(label: "regcred.test")
        if given == nil { logger.logLevel = .warning }
        let ownClient = config != nil || requestObserver != nil
        let controllerClient = ownClient ? try KubeClient(config: config ?? client.config, requestObserver: requestObserver) : client
        let controller = PullSecretController(
            client: controllerClient, controllerNamespace: controllerNamespace, catalog: ProfileCatalog(), metrics: ControllerMetrics(),
            identity: "test", selector: clusterPullSecretSelector, sources: Self.sourceContext, logger: logger)
        try await withRunning { try await controller.running(workers: 2) { try await body(controller) } } finally: {
            if ownClient { try? await controllerClient.shutdown() }
        }
    }

    /// Credential sources for test controllers: provider defaults that would leave the machine
    /// (instance metadata for AWS, GCP, Azure) point at a closed loopback port instead.
    static var sourceContext: SourceContext {
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in SourceContext.metadataDisabledEnvironment { environment[name] = value }
        return SourceContext(http: .shared, environment: environment)
    }

    // MARK: reading

    func secret(_ name: String, in namespace: String) async -> Secret? {
        try? await client.resource(Secret.self, namespace: namespace).get(name)
    }

    func pullSecretNames(of account: String = "default", in namespace: String) async -> [String]? {
        (try? await client.resource(ServiceAccount.self, namespace: namespace).get(account))?.imagePullSecrets.map(\.name)
    }

    func status(_ name: String) async -> ClusterPullSecretStatus? {
        (try? await client.resource(ClusterPullSecret.self).get(name))?.status
    }
}

