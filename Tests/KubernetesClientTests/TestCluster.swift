// What the integration tests of the client run against: a real cluster (REGCRED_E2E_KUBECONFIG)
// or a KubeSandbox, with a namespace of the test's own, and the objects they send.
import Foundation
import KubeSandbox
import RegcredCore
import Synchronization
import TestPeers
import Testing
@testable import KubernetesClient

/// A server to test against and a namespace of the test's own.
struct TestCluster {
    let client: KubeClient
    let namespace: String
    let sandbox: KubeSandbox?

    static var e2eKubeconfig: String? {
        ProcessInfo.processInfo.environment["REGCRED_E2E_KUBECONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A real cluster when REGCRED_E2E_KUBECONFIG is set, else a fresh sandbox.
    static func start() async throws -> TestCluster {
        let namespace = "kc-test-\(UUID().uuidString.prefix(8).lowercased())"
        if let path = e2eKubeconfig {
            var config = try KubeconfigLoader(explicitPath: path, environment: [:]).clientConfig()
            config.qps = 50
            config.burst = 100
            let client = try KubeClient(config: config)
            _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: namespace)))
            return TestCluster(client: client, namespace: namespace, sandbox: nil)
        }
        let sandbox = try await KubeSandbox.start(KubeSandbox.Options())
        var config = try KubeconfigLoader(environment: [:]).resolve(try Kubeconfig.parse(sandbox.kubeconfigYAML(user: "admin", namespace: namespace), path: "sandbox"))
        config.qps = 0
        let client = try KubeClient(config: config)
        _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: namespace)))
        return TestCluster(client: client, namespace: namespace, sandbox: sandbox)
    }

    func stop() async throws {
        try? await client.resource(Namespace.self).delete(namespace)
        try await client.shutdown()
        try await sandbox?.stop()
    }

    /// Runs `body` with a cluster and cleans up (namespace, client, sandbox) even when it throws:
    /// an HTTP client must be shut down, and a real cluster must not keep test namespaces.
    static func run(_ body: (TestCluster) async throws -> Void) async throws {
        let cluster = try await start()
        try await withRunning { try await body(cluster) } finally: { try await cluster.stop() }
    }

    var secrets: ResourceClient<Secret> { client.resource(Secret.self, namespace: namespace) }
}

/// Reads a Secret knowing only its metadata: updating it must not drop `data` or `type`.
struct SecretMetadataOnly: KnownResource {
    static let resource = Resource.secrets
    var metadata: ObjectMeta
    var raw: JSONValue
    init(json: JSONValue) throws(ResourceDecodingError) {
        metadata = try JSONObjectReader(json).optional("metadata") ?? ObjectMeta()
        raw = json
    }
    var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("metadata", metadata)
        return writer.json
    }
}

func opaque(_ name: String, _ data: [String: String] = ["k": "v"], labels: [String: String] = [:]) -> Secret {
    Secret(metadata: ObjectMeta(name: name, labels: labels), type: "Opaque", data: data.mapValues { Data($0.utf8) })
}
