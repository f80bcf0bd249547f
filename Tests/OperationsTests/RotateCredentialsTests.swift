// Rotation end to end on KubeSandbox: the happy path, a crash injected after every step and a
// resume, references that keep the old secret alive, and refusals that change nothing.
import Foundation
import Synchronization
import KubeSandbox
import KubernetesClient
import TestPeers
import Testing

@testable import Operations
@testable import RegcredCore

struct InjectedCrash: Error {}

@Suite("Rotation end to end", .serialized)
struct RotateCredentialsTests {
    static let namespace = "apps"

    static func withCluster(_ body: (KubeClient) async throws -> Void) async throws {
        let sandbox = try await KubeSandbox.start()
        let config = try KubeconfigLoader(environment: [:]).resolve(try Kubeconfig.parse(sandbox.kubeconfigYAML(), path: "sandbox"))
        let client = try KubeClient(config: config)
        try await withRunning {
            _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: namespace)))
            try await body(client)
        } finally: {
            try? await client.shutdown()
            try? await sandbox.stop()
        }
    }

    /// The old pull secret, a service account and a deployment naming it, and a running pod.
    static func world(_ client: KubeClient) async throws {
        let config = try DockerConfig.basic(registries: ["ghcr.io"], username: "bot", password: "old-token")
        _ = try await client.resource(Secret.self, namespace: namespace).create(Secret(
            metadata: ObjectMeta(name: "ghcr-pull", namespace: namespace), type: "kubernetes.io/dockerconfigjson",
            data: [".dockerconfigjson": config.encoded()]))
        _ = try await client.resource(ServiceAccount.self, namespace: namespace).create(ServiceAccount(
            metadata: ObjectMeta(name: "builder", namespace: namespace),
            imagePullSecrets: [LocalObjectReference(name: "other"), LocalObjectReference(name: "ghcr-pull"), LocalObjectReference(name: "last")]))
        let deployment = try UnstructuredObject(json: .object([
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": .object(["name": "web", "namespace": .string(namespace)]),
            "spec": .object(["template": .object(["spec": .object([
                "imagePullSecrets": .array([.object(["name": "ghcr-pull"])]),
                "containers": .array([.object(["name": "web", "image": "ghcr.io/org/web:1"])]),
            ])])]),
        ]))
        _ = try await client.resource(deployments, as: UnstructuredObject.self, namespace: namespace).create(deployment)
    }

    static let deployments = Resource(group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true)

    static func rotation(_ client: KubeClient, crashAfter: RotationStep? = nil) -> RotateCredentials {
        var rotation = RotateCredentials(client: client, namespace: namespace, secretName: "ghcr-pull", password: Redacted("new-token"), username: nil)
        rotation.workloads = [WorkloadReference(kind: .deployment, name: "web")]
        rotation.waitTimeout = .seconds(5)
        rotation.pollInterval = .milliseconds(50)
        rotation.verify = { config in
            config.registries.map { registry in
                config.entries[registry]?.effectiveCredentials?.password == "new-token"
                    ? RegistryCheck(registry: registry, result: .ok, detail: "basic")
                    : RegistryCheck(registry: registry, result: .rejected, detail: "refused")
            }
        }
        rotation.afterStep = { step in if step == crashAfter { throw InjectedCrash() } }
        return rotation
    }

    static func expectRotated(_ client: KubeClient) async throws {
        let secrets = client.resource(Secret.self, namespace: namespace)
        await #expect(throws: KubeAPIError.self) { try await secrets.get("ghcr-pull") }
        let fresh = try await secrets.get("ghcr-pull-v2")
        let config = try DockerConfig(parsing: try #require(fresh.data[".dockerconfigjson"]), format: .dockerConfigJSON)
        #expect(config.entries["ghcr.io"]?.effectiveCredentials?.username == "bot")
        #expect(config.entries["ghcr.io"]?.effectiveCredentials?.password == "new-token")
        #expect(fresh.metadata.annotations[RotationRecord.stepAnnotation] == "deleted")
        let account = try await client.resource(ServiceAccount.self, namespace: namespace).get("builder")
        #expect(account.imagePullSecrets.map(\.name) == ["other", "ghcr-pull-v2", "last"], "replaced in place, order kept")
        let web = try await client.resource(deployments, as: UnstructuredObject.self, namespace: namespace).get("web")
        #expect(web.json.value(at: ["spec", "template", "spec", "imagePullSecrets"]) == .array([.object(["name": "ghcr-pull-v2"])]))
    }

    @Test("creates, verifies, switches references in place, deletes the old secret, and reminds to revoke")
    func happyPath() async throws {
        try await Self.withCluster { client in
            try await Self.world(client)
            let lines = LineCollector()
            try await Self.rotation(client).run { lines.append($0) }
            try await Self.expectRotated(client)
            #expect(lines.all.last?.contains("Revoke the old credentials") == true)
            #expect(!lines.all.joined().contains("new-token") && !lines.all.joined().contains("old-token"))
        }
    }

    @Test("a crash after any step resumes where it stopped and ends in the same state", arguments: RotationStep.allCases)
    func crashAndResume(step: RotationStep) async throws {
        try await Self.withCluster { client in
            try await Self.world(client)
            await #expect(throws: InjectedCrash.self) { try await Self.rotation(client, crashAfter: step).run { _ in } }
            let recorded = try await client.resource(Secret.self, namespace: Self.namespace).get("ghcr-pull-v2")
            #expect(recorded.metadata.annotations[RotationRecord.stepAnnotation] == step.rawValue)
            let lines = LineCollector()
            try await Self.rotation(client).run { lines.append($0) }
            #expect(lines.all.first?.contains("resuming") == true && lines.all.first?.contains(step.rawValue) == true)
            try await Self.expectRotated(client)
        }
    }

    @Test("a running pod that still names the old secret keeps it: timeout, nothing deleted, resumable")
    func podKeepsOldSecret() async throws {
        try await Self.withCluster { client in
            try await Self.world(client)
            let pods = client.resource(Pod.self, namespace: Self.namespace)
            _ = try await pods.create(Pod(metadata: ObjectMeta(name: "web-1", namespace: Self.namespace), spec: PodSpec(
                containers: [Container(name: "web", image: "ghcr.io/org/web:1")], imagePullSecrets: [LocalObjectReference(name: "ghcr-pull")])))
            var rotation = Self.rotation(client)
            rotation.waitTimeout = .milliseconds(300)
            await #expect { try await rotation.run { _ in } } throws: { error in
                (error as? RotationError).map { "\($0)".contains("pod/web-1") && $0.kind == .temporaryFailure } ?? false
            }
            #expect(try await client.resource(Secret.self, namespace: Self.namespace).get("ghcr-pull").metadata.name == "ghcr-pull")
            try await pods.delete("web-1")
            try await Self.rotation(client).run { _ in }
            try await Self.expectRotated(client)
        }
    }

    @Test("rejected new credentials stop before any reference is switched")
    func verificationFailure() async throws {
        try await Self.withCluster { client in
            try await Self.world(client)
            var rotation = Self.rotation(client)
            rotation.password = Redacted("typo-token")
            await #expect { try await rotation.run { _ in } } throws: { error in
                (error as? RotationError)?.kind == .checkFailed && !"\(error)".contains("typo-token")
            }
            let account = try await client.resource(ServiceAccount.self, namespace: Self.namespace).get("builder")
            #expect(account.imagePullSecrets.map(\.name).contains("ghcr-pull"))
        }
    }

    @Test("an unrelated secret under the new name is never touched")
    func nameTaken() async throws {
        try await Self.withCluster { client in
            try await Self.world(client)
            _ = try await client.resource(Secret.self, namespace: Self.namespace).create(Secret(
                metadata: ObjectMeta(name: "ghcr-pull-v2", namespace: Self.namespace), data: ["k": Data("v".utf8)]))
            await #expect { try await Self.rotation(client).run { _ in } } throws: { ($0 as? RotationError)?.kind == .cannotWrite }
            #expect(try await client.resource(Secret.self, namespace: Self.namespace).get("ghcr-pull-v2").data == ["k": Data("v".utf8)])
        }
    }

    @Test("an Opaque username/password secret (a cache's upstream credential) rotates, with a --ref field switched")
    func opaqueWithFieldReference() async throws {
        try await Self.withCluster { client in
            _ = try await client.resource(Secret.self, namespace: Self.namespace).create(Secret(
                metadata: ObjectMeta(name: "upstream", namespace: Self.namespace),
                data: ["username": Data("robot".utf8), "password": Data("old".utf8)]))
            let holder = Resource(group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true)
            _ = try await client.resource(ServiceAccount.self, namespace: Self.namespace).create(ServiceAccount(
                metadata: ObjectMeta(name: "cache", namespace: Self.namespace, annotations: [:])))
            // A stand-in for a custom resource field: a ConfigMap-like field on an object we can store here.
            var tree = try await client.resource(holder, as: UnstructuredObject.self, namespace: Self.namespace).get("cache").json
            tree.set(.string("upstream"), at: ["metadata", "labels", "upstream-secret"])
            _ = try await client.resource(holder, as: UnstructuredObject.self, namespace: Self.namespace).update(try UnstructuredObject(json: tree))
            var rotation = RotateCredentials(client: client, namespace: Self.namespace, secretName: "upstream", password: Redacted("new"), username: nil)
            rotation.fields = [try FieldReference(parsing: "v1/serviceaccounts/cache:metadata.labels.upstream-secret")]
            rotation.waitTimeout = .seconds(2)
            rotation.pollInterval = .milliseconds(50)
            try await rotation.run { _ in }
            let fresh = try await client.resource(Secret.self, namespace: Self.namespace).get("upstream-v2")
            #expect(fresh.data["password"] == Data("new".utf8) && fresh.data["username"] == Data("robot".utf8))
            let switched = try await client.resource(holder, as: UnstructuredObject.self, namespace: Self.namespace).get("cache")
            #expect(switched.json.value(at: ["metadata", "labels", "upstream-secret"]) == .string("upstream-v2"))
        }
    }

    @Test("flags for references are parsed or refused clearly")
    func parsing() throws {
        #expect(try WorkloadReference(parsing: "deploy/web") == WorkloadReference(kind: .deployment, name: "web"))
        #expect(try WorkloadReference(parsing: "cj/report").kind == .cronjob)
        #expect(throws: RotationError.badWorkload("pod/x")) { try WorkloadReference(parsing: "pod/x") }
        let field = try FieldReference(parsing: "cache.example.com/v1/registrycaches/main:spec.upstream.secretReferenceName")
        #expect(field.resource.group == "cache.example.com" && field.name == "main" && field.path == ["spec", "upstream", "secretReferenceName"])
        #expect(throws: RotationError.self) { try FieldReference(parsing: "registrycaches/main") }
    }
}

final class LineCollector: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
