// Integration tests of the client against a server. `ClusterVerbTests` need no fault injection:
// they run against the cluster in REGCRED_E2E_KUBECONFIG when set (in unique namespaces, cleaned
// up), else against an in-process KubeSandbox. `SandboxFaultTests` use the sandbox's fault
// hooks and run only there. Compiled once KubeSandbox is a dependency of this target.
#if canImport(KubeSandbox)
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

/// Clients made for one sandbox test, shut down together at its end.
final class ClientPool: Sendable {
    private let clients = Mutex<[KubeClient]>([])

    func make(_ config: ClientConfig, retryPolicy: RetryPolicy = RetryPolicy(), clock: KubeClock = .live) throws -> KubeClient {
        let client = try KubeClient(config: config, retryPolicy: retryPolicy, clock: clock)
        clients.withLock { $0.append(client) }
        return client
    }

    func shutdownAll() async {
        for client in clients.withLock({ $0 }) { try? await client.shutdown() }
    }
}

@Suite(.serialized) struct SandboxFaultTests {
    static let viewer = SandboxUser(name: "viewer", token: "viewer-token", rules: [PolicyRule(verbs: ["get", "list"], resources: ["secrets"])])

    /// Runs `body` against a fresh sandbox; stops it and every pooled client afterwards.
    static func withSandbox(tls: Bool = false, bookmarkInterval: Duration = .seconds(1), watchHistoryWindow: Int = 10_000,
                            _ body: (KubeSandbox, ClientPool) async throws -> Void) async throws {
        var options = KubeSandbox.Options()
        options.tls = tls
        options.watchHistoryWindow = watchHistoryWindow
        options.users = [.admin, viewer]
        options.bookmarkInterval = bookmarkInterval
        let sandbox = try await KubeSandbox.start(options)
        let pool = ClientPool()
        try await withRunning { try await body(sandbox, pool) } finally: {
            await pool.shutdownAll()
            try await sandbox.stop()
        }
    }

    static func config(_ sandbox: KubeSandbox, user: String = "admin", clientCertificate: Bool = false) throws -> ClientConfig {
        var config = try KubeconfigLoader(environment: [:]).resolve(
            try Kubeconfig.parse(sandbox.kubeconfigYAML(user: user, namespace: "default", clientCertificate: clientCertificate), path: "sandbox"))
        config.qps = 0
        return config
    }

    @Test func tooManyRequestsIsRetriedAfterRetryAfter() async throws {
        try await Self.withSandbox { sandbox, pool in
            let clock = ManualClock()
            let client = try pool.make(Self.config(sandbox), clock: clock.kubeClock)
            _ = try await client.resource(Secret.self).create(opaque("x"))
            sandbox.faults.failNext(2, verb: "get", resource: "secrets", status: 429, retryAfterSeconds: 1)
            #expect(try await client.resource(Secret.self).get("x").name == "x")
            #expect(await sandbox.requestCount(verb: "get", resource: "secrets") == 3)
            #expect(clock.sleeps == [.seconds(1), .seconds(1)])
            // Also for writes: a 429 means the server did nothing.
            sandbox.faults.failNext(1, verb: "create", resource: "secrets", status: 429, retryAfterSeconds: 2)
            _ = try await client.resource(Secret.self).create(opaque("y"))
            #expect(clock.sleeps.last == .seconds(2))
        }
    }

    @Test func serverErrorsAreRetriedForReadsOnly() async throws {
        try await Self.withSandbox { sandbox, pool in
            let secrets = try pool.make(Self.config(sandbox), clock: ManualClock().kubeClock).resource(Secret.self)
            _ = try await secrets.create(opaque("x"))
            sandbox.faults.failNext(2, verb: "get", resource: "secrets", status: 503)
            #expect(try await secrets.get("x").name == "x")
            #expect(await sandbox.requestCount(verb: "get", resource: "secrets") == 3)
            sandbox.faults.failNext(1, verb: "list", resource: "secrets", status: 500)
            #expect(try await secrets.list().items.count == 1)
            sandbox.faults.failNext(1, verb: "create", resource: "secrets", status: 500)
            let error = await #expect(throws: KubeAPIError.self) { try await secrets.create(opaque("y")) }
            #expect(error?.reason == .serverError)
            #expect(await sandbox.requestCount(verb: "create", resource: "secrets") == 2)
            sandbox.faults.failNext(10, verb: "get", resource: "secrets", status: 500)
            let exhausted = await #expect(throws: KubeAPIError.self) { try await secrets.get("x") }
            #expect(exhausted?.code == 500)
            #expect(await sandbox.requestCount(verb: "get", resource: "secrets") == 3 + RetryPolicy().maxAttempts)
        }
    }

    @Test func anExpiredContinueTokenFallsBackToAFullList() async throws {
        try await Self.withSandbox(watchHistoryWindow: 5) { sandbox, pool in
            let secrets = try pool.make(Self.config(sandbox)).resource(Secret.self)
            for index in 0..<12 { _ = try await secrets.create(opaque("s-\(index)")) }
            let firstPage = try await secrets.list(ListOptions(limit: 5))
            let token = try #require(firstPage.continueToken)
            for index in 12..<20 { _ = try await secrets.create(opaque("s-\(index)")) }
            let stale = await #expect(throws: KubeAPIError.self) { try await secrets.list(ListOptions(limit: 5, continueToken: token)) }
            #expect(stale?.reason == .gone)

            // listAll meets the same expiry while writes go on between its pages.
            sandbox.faults.addLatency(.milliseconds(150), verb: "list", resource: "secrets")
            let writer = Task {
                try await Task.sleep(for: .milliseconds(200))
                for index in 20..<30 { _ = try await secrets.create(opaque("s-\(index)")) }
            }
            let all = try await secrets.listAll(pageSize: 4)
            try await writer.value
            let names = all.items.compactMap(\.name)
            #expect(Set(names).count == names.count)
            #expect(names.count >= 20)
            #expect(all.metadata.continue == nil)
        }
    }

    @Test func slowAnswersHitTheRequestTimeout() async throws {
        try await Self.withSandbox { sandbox, pool in
            var config = try Self.config(sandbox)
            config.requestTimeout = .milliseconds(100)
            let client = try pool.make(config, retryPolicy: RetryPolicy(maxAttempts: 2), clock: ManualClock().kubeClock)
            // The answer would come, 600 ms late: only the 100 ms request timeout can make this a
            // .timeout error (no assertion on elapsed time, which a busy machine stretches).
            sandbox.faults.addLatency(.milliseconds(600), verb: "get", resource: "namespaces")
            let error = await #expect(throws: KubeAPIError.self) { try await client.resource(Namespace.self).get("default") }
            #expect(error?.reason == .timeout)
            sandbox.faults.clear()
            // The server answers again (checked with the default timeout: 100 ms is too tight for
            // an ordinary answer on a busy machine).
            let patient = try pool.make(try Self.config(sandbox))
            #expect(try await patient.resource(Namespace.self).get("default").name == "default")
        }
    }

    @Test func clientSideRateLimitPacesRequests() async throws {
        try await Self.withSandbox { sandbox, pool in
            var config = try Self.config(sandbox)
            config.qps = 20
            config.burst = 2
            let client = try pool.make(config)
            let started = ContinuousClock.now
            for _ in 0..<12 { _ = try await client.resource(Namespace.self).list() }
            // 2 at once, then 10 more at 20/s: at least ~0.5 s.
            #expect(ContinuousClock.now - started >= .milliseconds(450))
        }
    }

    @Test func watchesBypassTheRateLimiter() async throws {
        try await Self.withSandbox { sandbox, pool in
            var config = try Self.config(sandbox)
            config.qps = 1
            config.burst = 1
            let client = try pool.make(config)
            _ = try await client.resource(Namespace.self).list()
            // The bucket is empty for a second: a watch opens at once, a list waits.
            let watchStarted = ContinuousClock.now
            _ = try await client.resource(Namespace.self).watch(ListOptions(timeoutSeconds: 1))
            #expect(ContinuousClock.now - watchStarted < .milliseconds(500))
            let listStarted = ContinuousClock.now
            _ = try await client.resource(Namespace.self).list()
            #expect(ContinuousClock.now - listStarted >= .milliseconds(300))
        }
    }

    @Test func informerResumesAfterDroppedWatchWithoutRelisting() async throws {
        try await Self.withSandbox(bookmarkInterval: .milliseconds(200)) { sandbox, pool in
            let secrets = try pool.make(Self.config(sandbox)).resource(Secret.self)
            let informer = Informer(secrets, backoff: Backoff(initial: .milliseconds(20), maximum: .milliseconds(200)))
            let run = Task { await informer.run() }
            await informer.waitUntilSynced()
            _ = try await secrets.create(opaque("a"))
            #expect(try await eventually { await informer.get(namespace: "default", name: "a") != nil })
            await sandbox.faults.dropWatches()
            _ = try await secrets.create(opaque("b"))
            #expect(try await eventually { await informer.get(namespace: "default", name: "b") != nil })
            // Seen under load before the sandbox's first-write history floor was fixed (a 410 for
            // the list's version); kept intermittent until many runs confirm the fix.
            let lists = await informer.listCount
            withKnownIssue("an extra relist after a dropped watch under heavy load", isIntermittent: true) {
                #expect(lists == 1)
            }
            #expect(lists <= 2)
            #expect(await informer.watchCount >= 2)
            run.cancel()
            await run.value
        }
    }

    @Test func goneOnWatchRelistsAndSynthesisesDeletes() async throws {
        try await Self.withSandbox(bookmarkInterval: .milliseconds(200)) { sandbox, pool in
            let secrets = try pool.make(Self.config(sandbox)).resource(Secret.self)
            _ = try await secrets.create(opaque("doomed"))
            let informer = Informer(secrets, backoff: Backoff(initial: .milliseconds(20), maximum: .milliseconds(200)))
            let deletes = Mutex<[String]>([])
            await informer.addHandler { note in
                if case .deleted(let s, let inferred) = note { deletes.withLock { $0.append("\(s.name!) \(inferred)") } }
            }
            let run = Task { await informer.run() }
            await informer.waitUntilSynced()
            // Stop the server so the deletion happens while the informer cannot watch, then force
            // the resumed watch to be told 410: only a relist can notice the deletion.
            try await sandbox.stop()
            let admin = try pool.make(Self.config(sandbox), retryPolicy: .none)
            try await sandbox.restart()
            await sandbox.faults.forceGoneOnNextWatch()
            try await admin.resource(Secret.self).delete("doomed")
            #expect(try await eventually(timeout: .seconds(15)) { await informer.listCount >= 2 })
            #expect(try await eventually { deletes.withLock { !$0.isEmpty } })
            #expect(await informer.get(namespace: "default", name: "doomed") == nil)
            run.cancel()
            await run.value
        }
    }

    @Test func execPluginTokenIsUsedCachedAndRefreshedOn401() async throws {
        try await Self.withSandbox { sandbox, pool in
            let folder = try TemporaryFolder()
            // First run prints a wrong token (as an expired one would be), later runs the right one.
            let plugin = try folder.write("plugin.sh", """
            #!/bin/sh
            f="$(dirname "$0")/runs"; n=$(($(cat "$f" 2>/dev/null || echo 0) + 1)); echo $n > "$f"
            if [ $n -eq 1 ]; then t=stale; else t=\(SandboxUser.admin.token); fi
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$t"
            """, executable: true)
            let kubeconfig = """
            current-context: s
            clusters: [{name: s, cluster: {server: "\(sandbox.url)"}}]
            users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: \(plugin), interactiveMode: Never}}}]
            contexts: [{name: s, context: {cluster: s, user: u}}]
            """
            let client = try pool.make(KubeconfigLoader(environment: [:]).resolve(try Kubeconfig.parse(kubeconfig, path: folder.path + "/config")))
            for _ in 0..<3 { _ = try await client.resource(Namespace.self).list() }
            #expect(try String(contentsOfFile: folder.path + "/runs", encoding: .utf8) == "2\n")
        }
    }

    @Test func execPluginClientCertificateOverTLS() async throws {
        try await Self.withSandbox(tls: true) { sandbox, pool in
            let folder = try TemporaryFolder()
            let pair = try #require(sandbox.tlsMaterial?.clientCertificates["admin"])
            let credential: JSONValue = .object([
                "apiVersion": .string(ExecConfig.v1), "kind": .string("ExecCredential"),
                "status": .object(["clientCertificateData": .string(pair.certificate), "clientKeyData": .string(pair.key)]),
            ])
            try folder.write("credential.json", credential.encodedString())
            let plugin = try folder.write("plugin.sh", "#!/bin/sh\ncat \"$(dirname \"$0\")/credential.json\"\n", executable: true)
            var config = try Self.config(sandbox)
            config.credentials = ClientCredentials(exec: ExecConfig(command: plugin))
            let client = try pool.make(config)
            #expect(try await client.resource(Namespace.self).get("default").name == "default")
        }
    }

    @Test func clientCertificateOverTLS() async throws {
        try await Self.withSandbox(tls: true) { sandbox, pool in
            let client = try pool.make(Self.config(sandbox, clientCertificate: true))
            #expect(try await client.resource(Namespace.self).get("default").name == "default")

            var untrusted = try Self.config(sandbox)
            untrusted.certificateAuthorityPEM = nil
            let stranger = try pool.make(untrusted, retryPolicy: .none)
            let error = await #expect(throws: KubeAPIError.self) { try await stranger.resource(Namespace.self).get("default") }
            #expect(error?.reason == .tls)
        }
    }

    @Test func forbiddenAndUnauthorizedAreTypedAndNeverEchoTheToken() async throws {
        try await Self.withSandbox { sandbox, pool in
            let viewer = try pool.make(Self.config(sandbox, user: "viewer"))
            _ = try await viewer.resource(Secret.self).list()
            let forbidden = await #expect(throws: KubeAPIError.self) { try await viewer.resource(Secret.self).create(opaque("x")) }
            #expect(forbidden?.reason == .forbidden)

            var bad = try Self.config(sandbox)
            bad.credentials.bearerToken = Redacted("wrong-token-value")
            let stranger = try pool.make(bad)
            let unauthorized = await #expect(throws: KubeAPIError.self) { try await stranger.resource(Secret.self).list() }
            #expect(unauthorized?.reason == .unauthorized)
            #expect(unauthorized?.description.contains("wrong-token-value") == false)
        }
    }

    @Test func unreachableWhileStoppedThenBackAfterRestart() async throws {
        try await Self.withSandbox { sandbox, pool in
            let client = try pool.make(Self.config(sandbox), retryPolicy: RetryPolicy(maxAttempts: 2), clock: ManualClock().kubeClock)
            try await sandbox.stop()
            let error = await #expect(throws: KubeAPIError.self) { try await client.resource(Namespace.self).list() }
            #expect(error?.reason == .unreachable)
            try await sandbox.restart()
            #expect(try await client.resource(Namespace.self).get("default").name == "default")
        }
    }

    @Test func customResourceStatusSubresource() async throws {
        try await Self.withSandbox { sandbox, pool in
            let client = try pool.make(Self.config(sandbox))
            let resource = Resource(group: "regcred.dev", version: "v1alpha1", plural: "clusterpullsecrets", kind: "ClusterPullSecret", namespaced: false)
            let objects = client.resource(resource, as: UnstructuredObject.self, namespace: nil)
            let tree = try JSONValue(parsing: Data(#"{"metadata":{"name":"ghcr"},"spec":{"registries":["ghcr.io"],"secretName":"regcred-ghcr","source":{"static":{"secretRef":{"name":"t"}}}}}"#.utf8))
            var created = try await objects.create(UnstructuredObject(json: tree))
            created["status"] = .object(["observedGeneration": .integer(created.metadata.generation ?? 1)])
            let updated = try await objects.updateStatus(created)
            #expect(updated["status"]?["observedGeneration"] != nil)
            #expect(updated["spec"]?["registries"] == .array([.string("ghcr.io")]))
        }
    }
}
#endif
