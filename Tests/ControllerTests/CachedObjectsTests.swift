// What the controller's caches keep of each object: exactly what the planner and the executor
// read, so a decision from the cached value is the decision the whole object would give.
@testable import Controller
import Foundation
import KubernetesClient
import RegcredCore
import Testing

@Suite("Cached objects")
struct CachedObjectsTests {
    static let config = Data(#"{"auths":{"ghcr.io":{"auth":"cm9ib3Q6dDBrZW4="}}}"#.utf8)

    static func managedSecret(data: [String: Data] = [".dockerconfigjson": config], hash: String? = nil) -> Secret {
        var secret = Secret(
            metadata: ObjectMeta(name: "regcred-pull", namespace: "apps", labels: ManagedObjectMarkers.labels(owner: "main")),
            type: "kubernetes.io/dockerconfigjson", data: data)
        secret.metadata.annotations = ["other.example/note": "kept on the server, not in the cache"]
        if let hash { secret.metadata.annotations[ManagedObjectMarkers.contentHashAnnotation] = hash }
        secret.metadata.resourceVersion = "41"
        secret.metadata.uid = "6f1c8a47-5f55-4c8e-9a57-0d2b1f0f4c11"
        return secret
    }

    @Test("a managed secret keeps ownership, the hash, the data keys and a digest of the pull secret, not its bytes")
    func managedSecret() {
        let desired = DesiredPullSecret(owner: "main", secretName: "regcred-pull", content: Self.config)
        let cached = CachedManagedSecret(Self.managedSecret(hash: desired.contentDigest?.hex))
        #expect(cached.cacheKey == ObjectKey(namespace: "apps", name: "regcred-pull"))
        #expect(cached.owner == "main" && cached.isManagedByRegcred)
        #expect(cached.dockerConfigDigest == ContentDigest(of: Self.config))
        #expect(cached.dataKeys == [".dockerconfigjson"])
        #expect(cached.resourceVersion == "41" && cached.uid == "6f1c8a47-5f55-4c8e-9a57-0d2b1f0f4c11")
        // The planner sees the same secret as it would from the whole object: current, nothing to do.
        let whole = ObservedSecret(
            name: "regcred-pull", labels: ManagedObjectMarkers.labels(owner: "main"),
            annotations: [ManagedObjectMarkers.contentHashAnnotation: desired.contentDigest!.hex],
            dockerConfigJSON: Self.config, resourceVersion: "41")
        #expect(cached.observed == whole)
        let plan = PullSecretPlanner.plan(desired, namespace: ObservedNamespace(name: "apps"), secret: cached.observed, serviceAccounts: [])
        #expect(plan.actions.isEmpty)
    }

    @Test("drift the cache must still see: edited bytes, a wrong or missing hash, an extra data key")
    func drift() async throws {
        let desired = DesiredPullSecret(owner: "main", secretName: "regcred-pull", content: Self.config)
        let hash = desired.contentDigest!.hex
        let edited = CachedManagedSecret(Self.managedSecret(data: [".dockerconfigjson": Data("{}".utf8)], hash: hash))
        let wrongHash = CachedManagedSecret(Self.managedSecret(hash: String(repeating: "0", count: 64)))
        let notAHash = CachedManagedSecret(Self.managedSecret(hash: "edited by hand"))
        for cached in [edited, wrongHash, notAHash] {
            let plan = PullSecretPlanner.plan(desired, namespace: ObservedNamespace(name: "apps"), secret: cached.observed, serviceAccounts: [])
            #expect(plan.actions == [.updateSecret(namespace: "apps", name: "regcred-pull", resourceVersion: "41")])
        }
        let extraKey = CachedManagedSecret(Self.managedSecret(data: [".dockerconfigjson": Self.config, "extra": Data("x".utf8)], hash: hash))
        #expect(extraKey.dataKeys == [".dockerconfigjson", "extra"])
        let client = try KubeClient(config: ClientConfig(server: "https://127.0.0.1:1"))
        let patch = ActionExecutor(client: client, desired: desired).contentPatch(for: extraKey)
        try await client.shutdown()
        #expect(patch["data"]?["extra"] == .null, "the update removes data keys other than the pull secret")
        #expect(patch["data"]?[".dockerconfigjson"] == .string(Self.config.base64EncodedString()))
    }

    @Test("a namespace keeps its labels, only regcred's annotation, and whether it is terminating")
    func namespace() {
        var namespace = Namespace(metadata: ObjectMeta(
            name: "apps", labels: ["team": "a"], annotations: [ManagedObjectMarkers.excludeAnnotation: "true", "big": String(repeating: "x", count: 4096)]))
        namespace.phase = "Terminating"
        let cached = CachedNamespace(namespace)
        #expect(cached.observed == ObservedNamespace(
            name: "apps", labels: ["team": "a"], annotations: [ManagedObjectMarkers.excludeAnnotation: "true"], isTerminating: true))
    }

    @Test("a service account keeps its pull secrets in order and regcred's record of which it added")
    func serviceAccount() {
        var account = ServiceAccount(
            metadata: ObjectMeta(name: "default", namespace: "apps", annotations: [ManagedObjectMarkers.attachedAnnotation: "regcred-pull"]),
            imagePullSecrets: [LocalObjectReference(name: "theirs"), LocalObjectReference(name: "regcred-pull")])
        account.metadata.resourceVersion = "7"
        let cached = CachedServiceAccount(account)
        #expect(cached.observed == ObservedServiceAccount(
            name: "default", imagePullSecrets: ["theirs", "regcred-pull"],
            annotations: [ManagedObjectMarkers.attachedAnnotation: "regcred-pull"], resourceVersion: "7"))
    }
}
