// What a hostile but realistic week does to a ClusterPullSecret, end to end through a kubeconfig:
// broken, empty and unrelated sources never replace working credentials; renames, scope changes
// and deletion leave nothing behind; a failing namespace backs off on its own; a loser of a
// shared secretName never touches the winner's entries.
import Controller
import Foundation
import KubernetesClient
import Operations
import RegcredCore
import Synchronization
import TestPeers
import Testing

@Suite("Hostile sources and lifecycles", .serialized)
struct HostileSourceTests {
    static let secretName = "regcred-pull"
    static let registries = ["ghcr.io", "quay.io"]

    static func goodContent(password: String = "g00d-t0ken") throws -> Data {
        try DockerConfig.basic(registries: registries, username: "robot", password: password).encoded()
    }

    func events(of name: String, in cluster: ControllerHarness) async throws -> [Event] {
        try await cluster.client.resource(Event.self, namespace: "default").list().items.filter { $0.regarding?.name == name }
    }

    @Test("a source the kubelet refuses, an empty one and an unrelated one keep the last good secrets byte for byte", arguments: [
        (#"{"auths":{"ghcr.io":{"auth":"cm9ib3Q6ZzAwZA=="},"quay.io":{"auth":"!!notbase64!!"}}}"#, "InvalidSource", "quay.io"),
        (#"{"auths":{}}"#, "SourceMissingRegistries", "ghcr.io, quay.io"),
        (#"{"auths":{"docker.io":{"auth":"cm9ib3Q6ZzAwZA=="}}}"#, "SourceMissingRegistries", "ghcr.io, quay.io"),
    ])
    func brokenSourceKeepsLastGood(broken: String, reason: String, named: String) async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "g00d-t0ken")
            let apps = try await cluster.namespace("apps")
            let web = try await cluster.namespace("web")
            let name = try await cluster.clusterPullSecret("hostile", registries: Self.registries, secretName: Self.secretName)
            let good = try Self.goodContent()
            try await cluster.withController { _ in
                for namespace in [apps, web] {
                    try await eventually("\(namespace) holds the good secret and its SA names it") {
                        let content = await cluster.secret(Self.secretName, in: namespace)?.data[".dockerconfigjson"]
                        let attached = await cluster.pullSecretNames(in: namespace)?.contains(Self.secretName) == true
                        return content == good && attached
                    }
                }
                let before = try #require(await cluster.secret(Self.secretName, in: apps))

                try await cluster.sourceSecret(data: [".dockerconfigjson": Data(broken.utf8)])
                try await eventually("SourceAvailable=False with reason \(reason)") {
                    await cluster.status(name)?.condition("SourceAvailable")?.reason == reason
                }
                let status = try #require(await cluster.status(name))
                #expect(status.condition("SourceAvailable")?.message.contains(named) == true)
                #expect(status.condition("SourceAvailable")?.message.contains("!!notbase64!!") == false)
                #expect(status.condition("Ready")?.status == .false)
                #expect(status.condition("Ready")?.message.contains("2/2 namespaces hold a pull secret") == true)
                for namespace in [apps, web] {
                    #expect(await cluster.secret(Self.secretName, in: namespace)?.data[".dockerconfigjson"] == good, "\(namespace) keeps the good content")
                    #expect(await cluster.pullSecretNames(in: namespace)?.contains(Self.secretName) == true, "\(namespace) keeps its SA entry")
                }
                #expect(await cluster.secret(Self.secretName, in: apps)?.metadata.resourceVersion == before.metadata.resourceVersion)
                try await eventually("a warning event says why") {
                    try await events(of: name, in: cluster).contains { $0.reason == reason && $0.type == "Warning" }
                }
                let late = try await cluster.namespace("late")
                try await eventually("a namespace created meanwhile gets the last good content") {
                    await cluster.secret(Self.secretName, in: late)?.data[".dockerconfigjson"] == good
                }

                try await cluster.sourceSecret(password: "n3w-t0ken")
                let fixed = try Self.goodContent(password: "n3w-t0ken")
                try await eventually("a good source again rolls out and clears the condition") {
                    let rolled = await cluster.secret(Self.secretName, in: web)?.data[".dockerconfigjson"] == fixed
                    let available = await cluster.status(name)?.condition("SourceAvailable")?.status == .true
                    return rolled && available
                }
            }
        }
    }

    @Test("renaming, narrowing the scope and deleting leave no secret and no entry of regcred's behind")
    func renameScopeAndDeletionLeaveNothing() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-rename")
            let apps = try await cluster.namespace("apps")
            let web = try await cluster.namespace("web")
            let name = try await cluster.clusterPullSecret("rename", secretName: "regcred-old")
            let owned = LabelQuery(matchLabels: [ManagedObjectMarkers.ownerLabel: name])
            func ownedSecrets() async throws -> [String] {
                try await cluster.client.resourceInAllNamespaces(Secret.self).list(ListOptions(labelSelector: owned)).items
                    .map { "\($0.metadata.namespace ?? "")/\($0.metadata.name ?? "")" }.sorted()
            }
            try await cluster.withController { _ in
                try await eventually("both namespaces hold regcred-old") {
                    let secrets = try await ownedSecrets()
                    let attached = await cluster.pullSecretNames(in: web)
                    return secrets == ["\(apps)/regcred-old", "\(web)/regcred-old"] && attached == ["regcred-old"]
                }
                // A merge patch, as `kubectl patch` does: the controller writes status meanwhile, so an
                // update of an object read a moment ago may meet a 409.
                _ = try await cluster.client.resource(ClusterPullSecret.self).patch(
                    name, .merge(.object(["spec": .object(["secretName": .string("regcred-new")])])))
                try await eventually("only regcred-new remains, in secrets and in service accounts") {
                    let secrets = try await ownedSecrets()
                    let accounts = [await cluster.pullSecretNames(in: apps), await cluster.pullSecretNames(in: web)]
                    return secrets == ["\(apps)/regcred-new", "\(web)/regcred-new"] && accounts.allSatisfy { $0 == ["regcred-new"] }
                }

                var namespace = try await cluster.client.resource(Namespace.self).get(web)
                namespace.metadata.labels["regcred-e2e"] = nil
                _ = try await cluster.client.resource(Namespace.self).update(namespace)
                try await eventually("the namespace that left the scope holds nothing of regcred's") {
                    let secrets = try await ownedSecrets()
                    let attached = await cluster.pullSecretNames(in: web)
                    return secrets == ["\(apps)/regcred-new"] && attached == []
                }

                try await cluster.client.resource(ClusterPullSecret.self).delete(name)
                try await eventually("after deletion nothing of regcred's is left anywhere") {
                    let gone = (try? await cluster.client.resource(ClusterPullSecret.self).get(name)) == nil
                    let secrets = try await ownedSecrets()
                    let attached = await cluster.pullSecretNames(in: apps)
                    return gone && secrets.isEmpty && attached == []
                }
                let account = try await cluster.client.resource(ServiceAccount.self, namespace: apps).get("default")
                #expect(account.metadata.annotations[ManagedObjectMarkers.attachedAnnotation] == nil)
            }
        }
    }

    @Test("the loser of a shared secretName never writes the winner's service account, not even when it is deleted")
    func loserNeverTouchesWinnersEntry() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-shared")
            let apps = try await cluster.namespace("apps")
            let winner = try await cluster.clusterPullSecret("winner", secretName: Self.secretName)
            try await cluster.withController { _ in
                try await eventually("the winner is in place") {
                    let attached = await cluster.pullSecretNames(in: apps)
                    let ready = await cluster.status(winner)?.condition("Ready")?.status
                    return attached == [Self.secretName] && ready == .true
                }
                let before = try await cluster.client.resource(ServiceAccount.self, namespace: apps).get("default")
                let loser = try await cluster.clusterPullSecret("loser", secretName: Self.secretName)
                try await eventually("the loser reports the conflict") {
                    await cluster.status(loser)?.namespaces?.failures?.first?.reason.contains("belongs to ClusterPullSecret \(winner)") == true
                }
                try await cluster.client.resource(ClusterPullSecret.self).delete(loser)
                try await eventually("the loser is gone") { (try? await cluster.client.resource(ClusterPullSecret.self).get(loser)) == nil }
                let after = try await cluster.client.resource(ServiceAccount.self, namespace: apps).get("default")
                #expect(after.metadata.resourceVersion == before.metadata.resourceVersion, "the service account was never written")
                #expect(after.imagePullSecrets.map(\.name) == [Self.secretName])
                #expect(await cluster.secret(Self.secretName, in: apps)?.metadata.labels[ManagedObjectMarkers.ownerLabel] == winner)
            }
        }
    }

    @Test("a namespace that keeps failing backs off on its own: unrelated events elsewhere do not speed its retries")
    func failingNamespaceBacksOffOnItsOwn() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-quota")
            let quota = try await cluster.namespace("quota")
            let busy = try await cluster.namespace("busy")
            let quotas = Resource(group: "", version: "v1", plural: "resourcequotas", kind: "ResourceQuota", namespaced: true)
            _ = try await cluster.client.resource(quotas, as: UnstructuredObject.self, namespace: quota).create(
                try UnstructuredObject(json: .object([
                    "apiVersion": "v1", "kind": "ResourceQuota", "metadata": .object(["name": "no-secrets"]),
                    "spec": .object(["hard": .object(["count/secrets": "0"])]),
                ])))
            let name = try await cluster.clusterPullSecret("backoff", secretName: Self.secretName)
            let refusedCreates = Atomic<Int>(0)
            try await cluster.withController(requestObserver: { verb, status in
                if verb == "create" && status == 403 { refusedCreates.add(1, ordering: .relaxed) }
            }) { _ in
                try await eventually("the quota namespace is reported, naming the quota") {
                    let failure = await cluster.status(name)?.namespaces?.failures?.first
                    return failure?.namespace == quota && failure?.reason.contains("exceeded quota: no-secrets") == true
                }
                let atStart = refusedCreates.load(ordering: .relaxed)
                // 60 unrelated events in the busy namespace, one every 50 ms: each is a pass
                // that succeeds. Before, each reset the ClusterPullSecret's backoff and the
                // quota namespace was retried ~every 100 ms.
                for index in 0..<60 {
                    _ = try await cluster.client.resource(ServiceAccount.self, namespace: busy).create(
                        ServiceAccount(metadata: ObjectMeta(name: "unrelated-\(index)", namespace: busy)))
                    try await Task.sleep(for: .milliseconds(50))
                }
                let retries = refusedCreates.load(ordering: .relaxed) - atStart
                // Doubling from 100 ms, a namespace is tried at most ~log2(window / 100 ms) + 1
                // times in a window; a slow machine only makes it fewer.
                #expect(retries <= 8, "\(retries) retries of the failing namespace during 60 unrelated events")
                #expect(await cluster.secret(Self.secretName, in: busy) != nil)
            }
        }
    }

    @Test("an immutable managed secret is replaced when the credential changes")
    func immutableManagedSecretIsReplaced() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-before")
            let apps = try await cluster.namespace("apps")
            _ = try await cluster.clusterPullSecret("immutable", registries: ["ghcr.io"], secretName: Self.secretName)
            let secrets = cluster.client.resource(Secret.self, namespace: apps)
            try await cluster.withController { _ in
                try await eventually("the secret exists") { await cluster.secret(Self.secretName, in: apps) != nil }
                var frozen = try await secrets.get(Self.secretName)
                frozen.immutable = true
                _ = try await secrets.update(frozen)
                try await cluster.sourceSecret(password: "t0ken-after")
                let expected = try DockerConfig.basic(registries: ["ghcr.io"], username: "robot", password: "t0ken-after").encoded()
                try await eventually("the secret carries the new credential") {
                    await cluster.secret(Self.secretName, in: apps)?.data[".dockerconfigjson"] == expected
                }
                #expect(await cluster.secret(Self.secretName, in: apps)?.immutable != true)
            }
        }
    }

    @Test("a source password ending in a newline is written without it, with a warning; a username with ':' is refused")
    func sourceTextRules() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-newline\n")
            let apps = try await cluster.namespace("apps")
            let name = try await cluster.clusterPullSecret("newline", registries: ["ghcr.io"], secretName: Self.secretName)
            let expected = try DockerConfig.basic(registries: ["ghcr.io"], username: "robot", password: "t0ken-newline").encoded()
            try await cluster.withController { _ in
                try await eventually("the secret holds the password without the newline") {
                    await cluster.secret(Self.secretName, in: apps)?.data[".dockerconfigjson"] == expected
                }
                try await eventually("a warning says the newline was dropped") {
                    try await events(of: name, in: cluster).contains { $0.reason == "SourceCorrected" && $0.note?.contains("newline") == true }
                }
                try await cluster.sourceSecret(username: "team:robot", password: "t0ken-colon")
                try await eventually("a username with ':' is refused") {
                    await cluster.status(name)?.condition("SourceAvailable")?.message.contains("the username contains ':'") == true
                }
                #expect(await cluster.secret(Self.secretName, in: apps)?.data[".dockerconfigjson"] == expected)
            }
        }
    }

    @Test("with the source deleted, status counts the secrets still in place; a selector matching nothing warns")
    func statusCountsWhatIsInPlace() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-gone")
            _ = try await cluster.namespace("apps")
            _ = try await cluster.namespace("web")
            let name = try await cluster.clusterPullSecret("gone", secretName: Self.secretName)
            try await cluster.withController { _ in
                try await eventually("both synced") { await cluster.status(name)?.namespaces?.synced == 2 }
                try await cluster.client.resource(Secret.self, namespace: cluster.controllerNamespace).delete("registry-token")
                try await eventually("Ready=False counts the two secrets in place") {
                    let ready = await cluster.status(name)?.condition("Ready")
                    return ready?.status == .false && ready?.message.contains("2/2 namespaces hold a pull secret") == true
                }
            }
        }
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-none")
            let name = try await cluster.clusterPullSecret("nothing", secretName: Self.secretName)
            try await cluster.withController { _ in
                try await eventually("Ready says no namespace is selected") {
                    await cluster.status(name)?.condition("Ready")?.reason == "NoNamespacesSelected"
                }
                try await eventually("and a warning event says so") {
                    try await events(of: name, in: cluster).contains { $0.reason == "NoNamespacesSelected" && $0.type == "Warning" }
                }
            }
        }
    }
}
