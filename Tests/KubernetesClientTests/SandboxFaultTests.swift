// The client against a KubeSandbox whose fault hooks (latency, injected errors, dropped watches,
// 410 Gone, a stopped server) only the sandbox has: retries, resumed watches and relists.
import Foundation
import KubeSandbox
import RegcredCore
import Synchronization
import TestPeers
import Testing
@testable import KubernetesClient

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
