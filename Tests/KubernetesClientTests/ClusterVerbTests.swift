// The client's verbs against a server, with no fault injection: against the cluster in
// REGCRED_E2E_KUBECONFIG when set (in unique namespaces, cleaned up), else against an in-process
// KubeSandbox (TestCluster).
import Foundation
import KubeSandbox
import RegcredCore
import Synchronization
import TestPeers
import Testing
@testable import KubernetesClient

@Suite(.serialized) struct ClusterVerbTests {
    @Test func createGetUpdateDeleteRoundTripsSecretBytes() async throws {
        try await TestCluster.run { cluster in
            let bytes = Data([0, 1, 2, 255, 254])
            var created = try await cluster.secrets.create(Secret(metadata: ObjectMeta(name: "bin"), data: ["b": bytes]))
            #expect(created.metadata.uid != nil)
            #expect(created.metadata.namespace == cluster.namespace)
            #expect(try await cluster.secrets.get("bin").data["b"] == bytes)
            created.data["c"] = Data("more".utf8)
            let updated = try await cluster.secrets.update(created)
            #expect(updated.data.keys.sorted() == ["b", "c"])
            #expect(updated.resourceVersion != created.resourceVersion)
            try await cluster.secrets.delete("bin")
            let error = await #expect(throws: KubeAPIError.self) { try await cluster.secrets.get("bin") }
            #expect(error?.reason == .notFound)
        }
    }

    @Test func staleUpdateIsAConflictAndDuplicateCreateAlreadyExists() async throws {
        try await TestCluster.run { cluster in
            let first = try await cluster.secrets.create(opaque("s"))
            var a = first, b = first
            a.data["k"] = Data("a".utf8)
            b.data["k"] = Data("b".utf8)
            _ = try await cluster.secrets.update(a)
            let conflict = await #expect(throws: KubeAPIError.self) { try await cluster.secrets.update(b) }
            #expect(conflict?.reason == .conflict)
            #expect(conflict?.code == 409)
            let exists = await #expect(throws: KubeAPIError.self) { try await cluster.secrets.create(opaque("s")) }
            #expect(exists?.reason == .alreadyExists)
        }
    }

    @Test func updatingThroughAPartialTypeKeepsFieldsItDoesNotKnow() async throws {
        try await TestCluster.run { cluster in
            _ = try await cluster.secrets.create(opaque("keep", ["token": "t0p"]))
            let partial = cluster.client.resource(SecretMetadataOnly.self, namespace: cluster.namespace)
            var meta = try await partial.get("keep")
            meta.metadata.labels["touched"] = "yes"
            _ = try await partial.update(meta)
            let after = try await cluster.secrets.get("keep")
            #expect(after.metadata.labels["touched"] == "yes")
            #expect(after.data["token"] == Data("t0p".utf8))
            #expect(after.type == "Opaque")
        }
    }

    @Test func listFiltersBySelectorsAndPaginates() async throws {
        try await TestCluster.run { cluster in
            for index in 0..<25 {
                _ = try await cluster.secrets.create(opaque("s-\(index)", labels: ["set": index % 2 == 0 ? "even" : "odd", "suite": "kc"]))
            }
            let page = try await cluster.secrets.list(ListOptions(labelSelector: ["suite": "kc"], limit: 10))
            #expect(page.items.count == 10)
            #expect(page.continueToken != nil)
            let all = try await cluster.secrets.listAll(ListOptions(labelSelector: ["suite": "kc"]), pageSize: 7)
            #expect(all.items.count == 25)
            #expect(Set(all.items.compactMap(\.name)).count == 25)
            let even = try await cluster.secrets.listAll(ListOptions(labelSelector: LabelQuery([.equals("set", "even"), .exists("suite")])))
            #expect(even.items.count == 13)
            let notIn = try await cluster.secrets.listAll(ListOptions(labelSelector: LabelQuery([.notIn("set", ["even"]), .equals("suite", "kc")])))
            #expect(notIn.items.count == 12)
            let byName = try await cluster.secrets.list(ListOptions(fieldSelector: .name("s-3")))
            #expect(byName.items.map(\.name) == ["s-3"])
        }
    }

    @Test func patchesOfEveryKind() async throws {
        try await TestCluster.run { cluster in
            _ = try await cluster.secrets.create(opaque("p", ["a": "1", "b": "2"]))
            let merged = try await cluster.secrets.patch("p", .merge(.object(["metadata": .object(["labels": .object(["m": .string("1")])]), "data": .object(["a": .null])])))
            #expect(merged.metadata.labels["m"] == "1")
            #expect(merged.data.keys.sorted() == ["b"])
            let jsonPatched = try await cluster.secrets.patch("p", .json([
                .test(path: "/metadata/labels/m", value: .string("1")),
                .add(path: "/metadata/labels/j", value: .string("2")),
            ]))
            #expect(jsonPatched.metadata.labels["j"] == "2")
            let failedTest = await #expect(throws: KubeAPIError.self) {
                try await cluster.secrets.patch("p", .json([.test(path: "/metadata/labels/m", value: .string("nope"))]))
            }
            #expect(failedTest?.code == 422 || failedTest?.code == 409 || failedTest?.code == 500)

            let accounts = cluster.client.resource(ServiceAccount.self, namespace: cluster.namespace)
            _ = try await accounts.create(ServiceAccount(metadata: ObjectMeta(name: "app"), imagePullSecrets: [LocalObjectReference(name: "old")]))
            let strategic = try await accounts.patch("app", .strategicMerge(.object(["imagePullSecrets": .array([.object(["name": .string("new")])])])))
            // imagePullSecrets is atomic: the patch replaces the list.
            #expect(strategic.imagePullSecrets.map(\.name) == ["new"])

            var intent = Secret(metadata: ObjectMeta(name: "applied", labels: ["by": "apply"]), type: "Opaque", data: ["x": Data("1".utf8)])
            intent.metadata.namespace = cluster.namespace
            let applied = try await cluster.secrets.apply(intent, fieldManager: "regcred-test", force: true)
            #expect(applied.metadata.labels["by"] == "apply")
            #expect(try await cluster.secrets.get("applied").data["x"] == Data("1".utf8))
        }
    }

    @Test func deletePreconditionsAndDryRun() async throws {
        try await TestCluster.run { cluster in
            let created = try await cluster.secrets.create(opaque("d"))
            let wrongUID = await #expect(throws: KubeAPIError.self) {
                try await cluster.secrets.delete("d", options: DeleteOptions(preconditionUID: "not-the-uid"))
            }
            #expect(wrongUID?.code == 409)
            try await cluster.secrets.delete("d", options: DeleteOptions(dryRun: true))
            #expect(try await cluster.secrets.get("d").metadata.uid == created.metadata.uid)
            let dry = try await cluster.secrets.create(opaque("dry"), options: WriteOptions(dryRun: true))
            #expect(dry.name == "dry")
            await #expect(throws: KubeAPIError.self) { try await cluster.secrets.get("dry") }
            try await cluster.secrets.delete("d", options: DeleteOptions(preconditionUID: created.metadata.uid, preconditionResourceVersion: created.resourceVersion, propagationPolicy: .background))
            await #expect(throws: KubeAPIError.self) { try await cluster.secrets.get("d") }
        }
    }

    @Test func leasesAndEventsInTheirGroups() async throws {
        try await TestCluster.run { cluster in
            let leases = cluster.client.resource(Lease.self, namespace: cluster.namespace)
            var lease = try await leases.create(Lease(metadata: ObjectMeta(name: "leader"), spec: LeaseSpec(holderIdentity: "a", leaseDurationSeconds: 15, renewTime: MicroTime(Date()))))
            lease.spec.holderIdentity = "b"
            #expect(try await leases.update(lease).spec.holderIdentity == "b")
            let events = cluster.client.resource(Event.self, namespace: cluster.namespace)
            func event(_ metadata: ObjectMeta) -> Event {
                Event(
                    metadata: metadata, eventTime: MicroTime(Date()), reportingController: "regcred.dev/controller",
                    reportingInstance: "test", action: "Sync", reason: "Synced", type: "Normal", note: "hello",
                    regarding: ObjectReference(apiVersion: "v1", kind: "Secret", namespace: cluster.namespace, name: "subject"))
            }
            // client-go's event name: the object's name, a dot, the time in hex nanoseconds.
            let named = try await events.create(event(ObjectMeta(name: "subject.18a2b3c4d5e6f708")))
            #expect(named.name == "subject.18a2b3c4d5e6f708")
            let generated = try await events.create(event(ObjectMeta(generateName: "subject-")))
            #expect(generated.name?.hasPrefix("subject-") == true)
            // A generateName must itself be a valid DNS subdomain prefix: a trailing "." is not.
            let refused = await #expect(throws: KubeAPIError.self) { try await events.create(event(ObjectMeta(generateName: "subject."))) }
            #expect(refused?.reason == .invalid)
            #expect(refused?.message.contains(#"metadata.generateName: Invalid value: "subject.""#) == true)
        }
    }

    @Test func invalidObjectsReportTheirCauses() async throws {
        try await TestCluster.run { cluster in
            let bad = Secret(metadata: ObjectMeta(name: "pull"), type: "kubernetes.io/dockerconfigjson", data: ["other": Data("x".utf8)])
            let error = await #expect(throws: KubeAPIError.self) { try await cluster.secrets.create(bad) }
            #expect(error?.reason == .invalid)
            #expect(error?.causes.contains { $0.field == "data[.dockerconfigjson]" } == true)
            let badName = await #expect(throws: KubeAPIError.self) { try await cluster.secrets.create(opaque("Not_A_Name")) }
            #expect(badName?.reason == .invalid)
        }
    }

    @Test func watchStreamsChangesFromAResourceVersion() async throws {
        try await TestCluster.run { cluster in
            let start = try await cluster.secrets.list()
            var resume = start.metadata.resourceVersion
            var events = try await cluster.secrets.watch(ListOptions(resourceVersion: resume, timeoutSeconds: 30))
            var created = try await cluster.secrets.create(opaque("w"))
            created.data["k"] = Data("changed".utf8)
            _ = try await cluster.secrets.update(created)
            try await cluster.secrets.delete("w")
            var seen: [String] = []
            var errors: [String] = []
            // A watch may end at any time (a loaded server, a dropped connection); a client
            // resumes from the last resourceVersion it saw, and must then see the rest in order.
            for _ in 0..<3 where seen.count < 3 {
                for try await event in events {
                    switch event {
                    case .added(let s): seen.append("added \(s.name!)"); resume = s.metadata.resourceVersion
                    case .modified(let s): seen.append("modified \(s.name!)"); resume = s.metadata.resourceVersion
                    case .deleted(let s): seen.append("deleted \(s.name!)"); resume = s.metadata.resourceVersion
                    case .error(let status): errors.append("\(status.code ?? 0) \(status.reason ?? "") \(status.message ?? "")")
                    case .bookmark: continue
                    }
                    if seen.count == 3 { break }
                }
                if seen.count < 3 { events = try await cluster.secrets.watch(ListOptions(resourceVersion: resume, timeoutSeconds: 30)) }
            }
            if seen.isEmpty && !errors.isEmpty {
                // Seen under load before the sandbox's first-write history floor was fixed (an ERROR
                // 410 for a fresh list's version); kept intermittent until many runs confirm the fix.
                withKnownIssue("sandbox sent \(errors) to a watch from a fresh resourceVersion", isIntermittent: true) {
                    #expect(seen == ["added w", "modified w", "deleted w"])
                }
            } else {
                #expect(seen == ["added w", "modified w", "deleted w"])
            }
        }
    }

    @Test func informerSyncsAndFollowsChanges() async throws {
        try await TestCluster.run { cluster in
            _ = try await cluster.secrets.create(opaque("pre", labels: ["app": "x"]))
            _ = try await cluster.secrets.create(opaque("other", labels: ["app": "y"]))
            let informer = Informer(cluster.secrets, labelSelector: ["app": "x"])
            let log = Mutex<[String]>([])
            await informer.addHandler { note in
                let line: String = switch note {
                case .added(let s): "add \(s.name!)"
                case .updated(_, let s): "update \(s.name!)"
                case .deleted(let s, _): "delete \(s.name!)"
                }
                log.withLock { $0.append(line) }
            }
            let run = Task { await informer.run() }
            await informer.waitUntilSynced()
            #expect(await informer.list().map(\.name) == ["pre"])
            var made = try await cluster.secrets.create(opaque("new", labels: ["app": "x"]))
            made.metadata.annotations["a"] = "1"
            _ = try await cluster.secrets.update(made)
            try await cluster.secrets.delete("pre")
            #expect(try await eventually { log.withLock { $0 } == ["add pre", "add new", "update new", "delete pre"] })
            #expect(await informer.get(namespace: cluster.namespace, name: "new")?.metadata.annotations["a"] == "1")
            run.cancel()
            await run.value
        }
    }

    @Test func informerStoresTransformedObjectsFromListAndWatch() async throws {
        try await TestCluster.run { cluster in
            // Two pages on the first list (page size 1), then a watched add and update.
            _ = try await cluster.secrets.create(opaque("listed-a", labels: ["app": "x"]))
            _ = try await cluster.secrets.create(opaque("listed-b", labels: ["app": "x"]))
            let informer = Informer(cluster.secrets, labelSelector: ["app": "x"], pageSize: 1, transform: { secret in
                var trimmed = Secret(metadata: ObjectMeta(name: secret.metadata.name, namespace: secret.metadata.namespace))
                trimmed.metadata.resourceVersion = secret.metadata.resourceVersion
                trimmed.metadata.labels["trimmed"] = "yes"
                return trimmed
            })
            let handled = Mutex<[String]>([])
            await informer.addHandler { note in
                if case .updated(_, let s) = note { handled.withLock { $0.append("update \(s.name!) \(s.metadata.labels["trimmed"] ?? "no")") } }
            }
            let run = Task { await informer.run() }
            await informer.waitUntilSynced()
            var watched = try await cluster.secrets.create(opaque("watched", labels: ["app": "x"]))
            watched.metadata.annotations["a"] = "1"
            _ = try await cluster.secrets.update(watched)
            #expect(try await eventually { handled.withLock { $0 } == ["update watched yes"] })
            let cached = await informer.list()
            #expect(cached.map(\.name) == ["listed-a", "listed-b", "watched"])
            for secret in cached {
                #expect(secret.metadata.labels == ["trimmed": "yes"], "\(secret.name ?? ""): stored untransformed")
                #expect(secret.data.isEmpty && secret.metadata.annotations.isEmpty && secret.metadata.uid == nil)
            }
            run.cancel()
            await run.value
        }
    }
}
