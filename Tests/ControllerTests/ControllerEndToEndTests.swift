// The controller end to end, through a kubeconfig: fan-out, new namespaces, exclusions, service
// accounts, drift repair, ownership, scope changes, source rotation and deletion.
import Controller
import Foundation
import KubeSandbox
import KubernetesClient
import Operations
import RegcredCore
import TestPeers
import Testing

@Suite("Controller end to end", .serialized)
struct ControllerEndToEndTests {
    static let secretName = "regcred-pull"

    func expectedConfig(password: String, username: String = "robot", registries: [String] = ["ghcr.io"]) throws -> Data {
        try DockerConfig.basic(registries: registries, username: username, password: password).encoded()
    }

    @Test("fans out to every selected namespace, serves a new one, and leaves excluded ones alone")
    func fanOutAndExclusions() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-one")
            let apps = try await cluster.namespace("apps")
            let web = try await cluster.namespace("web")
            let optedOut = try await cluster.namespace("optout", annotations: ["regcred.dev/exclude": "true"])
            let globbed = try await cluster.namespace("kube-x")
            let unselected = try await cluster.namespace("other", selected: false)
            let name = try await cluster.clusterPullSecret("fanout", secretName: Self.secretName, exclude: ["kube-*"])
            let expected = try expectedConfig(password: "t0ken-one")
            try await cluster.withController { _ in
                for namespace in [apps, web] {
                    try await eventually("\(namespace) has the pull secret") {
                        await cluster.secret(Self.secretName, in: namespace)?.data[".dockerconfigjson"] == expected
                    }
                    try await eventually("the default service account of \(namespace) references it") {
                        await cluster.pullSecretNames(in: namespace)?.contains(Self.secretName) == true
                    }
                }
                let late = try await cluster.namespace("late")
                try await eventually("a namespace created later gets the secret and the SA entry") {
                    let attached = await cluster.pullSecretNames(in: late)?.contains(Self.secretName) == true
                    let exists = await cluster.secret(Self.secretName, in: late) != nil
                    return attached && exists
                }
                try await eventually("status counts the namespaces") {
                    let status = await cluster.status(name)
                    return status?.namespaces?.synced == 3 && status?.condition("Ready")?.status == .true
                }
                for namespace in [optedOut, globbed, unselected] {
                    #expect(await cluster.secret(Self.secretName, in: namespace) == nil, "\(namespace) must be left alone")
                }
                let secret = try #require(await cluster.secret(Self.secretName, in: apps))
                #expect(secret.type == "kubernetes.io/dockerconfigjson")
                #expect(secret.metadata.labels["app.kubernetes.io/managed-by"] == "regcred")
                #expect(secret.metadata.labels["regcred.dev/owner"] == name)
                #expect(secret.metadata.annotations["regcred.dev/content-hash"] == ContentDigest(of: expected).hex)
            }
        }
    }

    @Test("repairs drift: an edited or deleted secret and a removed SA entry come back; foreign SA entries stay")
    func driftRepair() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-two")
            let apps = try await cluster.namespace("apps")
            _ = try await cluster.clusterPullSecret("drift", secretName: Self.secretName)
            let expected = try expectedConfig(password: "t0ken-two")
            try await cluster.withController { _ in
                try await eventually("the SA references the secret") { await cluster.pullSecretNames(in: apps)?.contains(Self.secretName) == true }
                let secrets = cluster.client.resource(Secret.self, namespace: apps)
                var edited = try await secrets.get(Self.secretName)
                edited.data[".dockerconfigjson"] = Data(#"{"auths":{}}"#.utf8)
                _ = try await secrets.update(edited)
                try await eventually("the edit is reverted") { await cluster.secret(Self.secretName, in: apps)?.data[".dockerconfigjson"] == expected }
                try await secrets.delete(Self.secretName)
                try await eventually("the deleted secret is recreated") { await cluster.secret(Self.secretName, in: apps)?.data[".dockerconfigjson"] == expected }

                let accounts = cluster.client.resource(ServiceAccount.self, namespace: apps)
                var account = try await accounts.get("default")
                account.imagePullSecrets = [LocalObjectReference(name: "team-own"), LocalObjectReference(name: "another")]
                _ = try await accounts.update(account)
                try await eventually("our entry is put back after the others, which keep their order") {
                    await cluster.pullSecretNames(in: apps) == ["team-own", "another", Self.secretName]
                }
            }
        }
    }

    @Test("a same-named secret regcred does not own is never modified, and the namespace is reported failed")
    func ownershipConflict() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-three")
            let apps = try await cluster.namespace("apps")
            let foreign = try await cluster.namespace("foreign")
            let theirs = Secret(
                metadata: ObjectMeta(name: Self.secretName, namespace: foreign), type: "kubernetes.io/dockerconfigjson",
                data: [".dockerconfigjson": Data(#"{"auths":{"theirs.example.com":{"auth":"dTpw"}}}"#.utf8)])
            let created = try await cluster.client.resource(Secret.self, namespace: foreign).create(theirs)
            let name = try await cluster.clusterPullSecret("owner", secretName: Self.secretName)
            try await cluster.withController { _ in
                try await eventually("status reports the foreign namespace as failed") {
                    let status = await cluster.status(name)
                    return status?.namespaces?.failed == 1 && status?.namespaces?.failures?.first?.namespace == foreign
                }
                #expect(await cluster.secret(Self.secretName, in: apps) != nil)
                let after = try #require(await cluster.secret(Self.secretName, in: foreign))
                #expect(after.metadata.resourceVersion == created.metadata.resourceVersion)
                #expect(after.data == theirs.data)
                #expect(await cluster.pullSecretNames(in: foreign)?.contains(Self.secretName) != true)
                let reason = await cluster.status(name)?.namespaces?.failures?.first?.reason ?? ""
                #expect(reason.contains("not managed by regcred"))

                try await cluster.client.resource(Secret.self, namespace: foreign).delete(Self.secretName)
                try await eventually("once the foreign secret is gone, the namespace is served and the failure leaves the status") {
                    let status = await cluster.status(name)
                    return status?.namespaces?.failed == 0 && status?.namespaces?.failures == nil
                        && status?.condition("Ready")?.status == .true
                }
            }
        }
    }

    @Test("a new source token rolls out to every namespace; status and events never carry it")
    func sourceRotation() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "old-t0ken-4")
            let namespaces = [try await cluster.namespace("a"), try await cluster.namespace("b"), try await cluster.namespace("c")]
            let name = try await cluster.clusterPullSecret("rotate", secretName: Self.secretName)
            try await cluster.withController { _ in
                let old = try expectedConfig(password: "old-t0ken-4")
                for namespace in namespaces {
                    try await eventually("\(namespace) has the old token") { await cluster.secret(Self.secretName, in: namespace)?.data[".dockerconfigjson"] == old }
                }
                try await cluster.sourceSecret(password: "new-t0ken-4")
                let new = try expectedConfig(password: "new-t0ken-4")
                for namespace in namespaces {
                    try await eventually("\(namespace) has the new token") { await cluster.secret(Self.secretName, in: namespace)?.data[".dockerconfigjson"] == new }
                }
                let resource = try await cluster.client.resource(ClusterPullSecret.self).get(name)
                let statusText = resource.json["status"]?.encodedString() ?? ""
                let events = try await cluster.client.resource(Event.self, namespace: "default").list().items
                let eventText = events.map { $0.json.encodedString() }.joined()
                for secret in ["old-t0ken-4", "new-t0ken-4", Data("robot:new-t0ken-4".utf8).base64EncodedString()] {
                    #expect(!statusText.contains(secret))
                    #expect(!eventText.contains(secret))
                }
                #expect(events.contains { $0.regarding?.name == name && $0.reason == "Synced" })
            }
        }
    }

    @Test("scope shrink and deletion remove regcred's secrets and only regcred's SA entries")
    func scopeShrinkAndDeletion() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-five")
            let stays = try await cluster.namespace("stays")
            let leaves = try await cluster.namespace("leaves")
            let name = try await cluster.clusterPullSecret("cleanup", secretName: Self.secretName)
            try await cluster.withController { _ in
                for namespace in [stays, leaves] {
                    try await eventually("\(namespace) is served") { await cluster.pullSecretNames(in: namespace)?.contains(Self.secretName) == true }
                }
                let accounts = cluster.client.resource(ServiceAccount.self, namespace: stays)
                var account = try await accounts.get("default")
                account.imagePullSecrets.insert(LocalObjectReference(name: "keep-me"), at: 0)
                _ = try await accounts.update(account)

                var namespace = try await cluster.client.resource(Namespace.self).get(leaves)
                namespace.metadata.labels["regcred-e2e"] = nil
                _ = try await cluster.client.resource(Namespace.self).update(namespace)
                try await eventually("the namespace that left the selection is cleaned up") {
                    let deleted = await cluster.secret(Self.secretName, in: leaves) == nil
                    let detached = await cluster.pullSecretNames(in: leaves)?.contains(Self.secretName) == false
                    return deleted && detached
                }

                try await cluster.client.resource(ClusterPullSecret.self).delete(name)
                try await eventually("deleting the ClusterPullSecret removes its secret and SA entry, then the object") {
                    let gone = (try? await cluster.client.resource(ClusterPullSecret.self).get(name)) == nil
                    let secretGone = await cluster.secret(Self.secretName, in: stays) == nil
                    return gone && secretGone
                }
                #expect(await cluster.pullSecretNames(in: stays) == ["keep-me"])
            }
        }
    }

    @Test("an invalid spec is reported as Ready=False with the field that is wrong, and nothing is written")
    func invalidSpec() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-six")
            let apps = try await cluster.namespace("apps")
            // What the CRD schema can say (a secretName that is no DNS name) the API server refuses at
            // creation; what only the controller knows (no such profile) is reported in status.
            let name = "\(cluster.id)-invalid"
            let spec = ClusterPullSecretSpec(
                profile: "no-such-profile", source: CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "registry-token"))),
                secretName: "regcred-invalid", namespaces: NamespacesSpec(selector: cluster.selector))
            _ = try await cluster.client.resource(ClusterPullSecret.self).create(
                ClusterPullSecret(metadata: ObjectMeta(name: name, labels: cluster.clusterPullSecretLabels), spec: spec))
            var refused = spec
            refused.secretName = "Not_Valid"
            let rejected = await #expect(throws: KubeAPIError.self) {
                try await cluster.client.resource(ClusterPullSecret.self).create(
                    ClusterPullSecret(metadata: ObjectMeta(name: "\(cluster.id)-refused", labels: cluster.clusterPullSecretLabels), spec: refused))
            }
            #expect(rejected?.reason == .invalid)
            #expect(rejected?.message.contains("spec.secretName") == true)
            try await cluster.withController { _ in
                try await eventually("Ready=False with InvalidSpec") {
                    await cluster.status(name)?.condition("Ready")?.reason == "InvalidSpec"
                }
                #expect(await cluster.status(name)?.condition("Ready")?.message.contains("spec.profile") == true)
                #expect((try await cluster.client.resource(Secret.self, namespace: apps).list().items).allSatisfy { $0.metadata.labels["regcred.dev/owner"] == nil })
            }
        }
    }

    @Test("a missing source secret is SourceAvailable=False and nothing is written until it appears")
    func missingSource() async throws {
        try await ControllerHarness.run { cluster in
            let apps = try await cluster.namespace("apps")
            let name = try await cluster.clusterPullSecret("nosource", secretName: Self.secretName)
            try await cluster.withController { _ in
                try await eventually("SourceAvailable=False") {
                    await cluster.status(name)?.condition("SourceAvailable")?.reason == "SourceSecretNotFound"
                }
                #expect(await cluster.secret(Self.secretName, in: apps) == nil)
                try await cluster.sourceSecret(password: "late-t0ken")
                try await eventually("the secret appears once the source exists") { await cluster.secret(Self.secretName, in: apps) != nil }
            }
        }
    }

    @Test("service account modes: [\"*\"] attaches to every account (new ones too), [] to none", arguments: [["*"], [] as [String]])
    func serviceAccountModes(names: [String]) async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-sa")
            let apps = try await cluster.namespace("apps")
            try await eventually("the default SA exists") { await cluster.pullSecretNames(in: apps) != nil }
            _ = try await cluster.client.resource(ServiceAccount.self, namespace: apps).create(ServiceAccount(metadata: ObjectMeta(name: "builder", namespace: apps)))
            let name = try await cluster.clusterPullSecret("modes", secretName: Self.secretName, serviceAccounts: names)
            try await cluster.withController { _ in
                try await eventually("the secret exists") { await cluster.secret(Self.secretName, in: apps) != nil }
                if names == ["*"] {
                    _ = try await cluster.client.resource(ServiceAccount.self, namespace: apps).create(ServiceAccount(metadata: ObjectMeta(name: "deployer", namespace: apps)))
                    for account in ["default", "builder", "deployer"] {
                        try await eventually("\(account) references the secret") {
                            await cluster.pullSecretNames(of: account, in: apps)?.contains(Self.secretName) == true
                        }
                    }
                } else {
                    try await eventually("a full pass is done") { await cluster.status(name)?.condition("Ready")?.status == .true }
                    for account in ["default", "builder"] {
                        #expect(await cluster.pullSecretNames(of: account, in: apps) == [], "\(account) must stay untouched")
                    }
                }
            }
        }
    }
}
