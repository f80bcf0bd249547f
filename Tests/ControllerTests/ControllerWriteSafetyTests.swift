// The controller caches small views of namespaces, service accounts and managed secrets, so it
// must never write a cached object back whole: fields it does not keep survive its writes, and a
// write from a stale cache is refused by the resourceVersion it carries, not applied blindly.
@testable import Controller
import Foundation
import KubernetesClient
import Operations
import RegcredCore
import TestPeers
import Testing

@Suite("Controller writes touch only regcred's fields", .serialized)
struct ControllerWriteSafetyTests {
    static let secretName = "regcred-pull"

    @Test("fields the caches drop (SA secrets, automount, labels, annotations; secret finalizers) survive attach and rotation")
    func uncachedFieldsSurvive() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "first-token")
            let apps = try await cluster.namespace("apps")
            let accounts = cluster.client.resource(ServiceAccount.self, namespace: apps)
            try await eventually("the default SA exists") { (try? await accounts.get("default")) != nil }
            var account = try await accounts.get("default")
            account.secrets = [ObjectReference(name: "legacy-token")]
            account.automountServiceAccountToken = false
            account.metadata.labels["team"] = "payments"
            account.metadata.annotations["example.com/owner"] = "payments"
            account.imagePullSecrets = [LocalObjectReference(name: "team-own")]
            _ = try await accounts.update(account)
            _ = try await cluster.clusterPullSecret("safety", secretName: Self.secretName)
            let secrets = cluster.client.resource(Secret.self, namespace: apps)
            try await cluster.withController { _ in
                try await eventually("the SA references the pull secret") {
                    await cluster.pullSecretNames(in: apps) == ["team-own", Self.secretName]
                }
                let attached = try await accounts.get("default")
                #expect(attached.secrets.map(\.name) == ["legacy-token"])
                #expect(attached.automountServiceAccountToken == false)
                #expect(attached.metadata.labels["team"] == "payments")
                #expect(attached.metadata.annotations["example.com/owner"] == "payments")
                #expect(attached.metadata.annotations[ManagedObjectMarkers.attachedAnnotation] == Self.secretName)

                var managed = try await secrets.get(Self.secretName)
                let firstHash = managed.metadata.annotations[ManagedObjectMarkers.contentHashAnnotation]
                managed.metadata.finalizers = ["example.com/keep"]
                managed.metadata.annotations["example.com/note"] = "kept"
                _ = try await secrets.update(managed)
                try await cluster.sourceSecret(password: "second-token")
                try await eventually("the secret carries the new content") {
                    let current = try await secrets.get(Self.secretName)
                    return current.metadata.annotations[ManagedObjectMarkers.contentHashAnnotation] != firstHash
                }
                let rotated = try await secrets.get(Self.secretName)
                #expect(rotated.metadata.finalizers == ["example.com/keep"], "a field the cache drops must not be lost by the update")
                #expect(rotated.metadata.annotations["example.com/note"] == "kept")
                #expect(rotated.data.keys.sorted() == [DockerConfigFormat.dockerConfigJSON.secretKey])
                var released = rotated
                released.metadata.finalizers = []
                _ = try await secrets.update(released)
            }
        }
    }

    @Test("an SA patch from a stale cache conflicts, re-reads, and keeps the entry someone added meanwhile")
    func staleServiceAccountPatchRetries() async throws {
        try await ControllerHarness.run { cluster in
            let apps = try await cluster.namespace("stale")
            let accounts = cluster.client.resource(ServiceAccount.self, namespace: apps)
            try await eventually("the default SA exists") { (try? await accounts.get("default")) != nil }
            let cached = CachedServiceAccount(try await accounts.get("default"))
            var meanwhile = try await accounts.get("default")
            meanwhile.imagePullSecrets = [LocalObjectReference(name: "added-meanwhile")]
            _ = try await accounts.update(meanwhile)
            let patchesBefore = await cluster.sandbox?.requestCount(verb: "patch", resource: "serviceaccounts")

            let executor = ActionExecutor(
                client: cluster.client, desired: DesiredPullSecret(owner: "stale", secretName: Self.secretName, content: Data("{}".utf8)))
            var result = SyncResult()
            let failure = await executor.execute(
                [.attach(namespace: apps, serviceAccount: "default", secret: Self.secretName)], secret: nil,
                serviceAccounts: [cached], result: &result)

            #expect(failure == nil)
            #expect(result.attached == 1)
            #expect(await cluster.pullSecretNames(in: apps) == ["added-meanwhile", Self.secretName])
            if let sandbox = cluster.sandbox, let patchesBefore {
                #expect(await sandbox.requestCount(verb: "patch", resource: "serviceaccounts") - patchesBefore == 2,
                        "the first patch carries the stale resourceVersion and is refused")
            }
        }
    }

    @Test("a secret update from a stale cache is refused with a conflict and changes nothing")
    func staleSecretPatchConflicts() async throws {
        try await ControllerHarness.run { cluster in
            let apps = try await cluster.namespace("stale-secret")
            let secrets = cluster.client.resource(Secret.self, namespace: apps)
            let desired = DesiredPullSecret(owner: "stale", secretName: Self.secretName, content: Data(#"{"auths":{}}"#.utf8))
            var created = Secret(
                metadata: ObjectMeta(name: Self.secretName, namespace: apps, labels: desired.labels),
                type: DockerConfigFormat.dockerConfigJSON.secretType,
                data: [DockerConfigFormat.dockerConfigJSON.secretKey: Data(#"{"auths":{"old.example":{}}}"#.utf8)])
            created = try await secrets.create(created)
            let cached = CachedManagedSecret(created)
            var meanwhile = created
            meanwhile.metadata.annotations["example.com/edited"] = "yes"
            let edited = try await secrets.update(meanwhile)

            let executor = ActionExecutor(client: cluster.client, desired: desired)
            var result = SyncResult()
            let failure = await executor.execute(
                [.updateSecret(namespace: apps, name: Self.secretName, resourceVersion: cached.resourceVersion ?? "")],
                secret: cached, serviceAccounts: [], result: &result)

            guard case .api(let error)? = failure else { Issue.record("expected a conflict, got \(String(describing: failure))"); return }
            #expect(error.reason == .conflict)
            #expect(result.updated == 0)
            let current = try await secrets.get(Self.secretName)
            #expect(current.metadata.resourceVersion == edited.metadata.resourceVersion)
            #expect(current.data == created.data)
        }
    }
}
