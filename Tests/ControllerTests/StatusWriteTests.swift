// Status writes are bounded by time, not by events: a burst of new namespaces costs O(1) status
// writes per interval, and the last state is always written, also at shutdown.
@testable import Controller
import Foundation
import KubernetesClient
import Logging
import Operations
import RegcredCore
import TestPeers
import Testing

@Suite("Status writes", .serialized)
struct StatusWriteTests {
    @Test("200 namespaces created one after another: status writes bounded by the 1 s interval, and the final counts written")
    func burstOfNamespaces() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-burst")
            _ = try await cluster.namespace("first")
            let name = try await cluster.clusterPullSecret("burst", secretName: "regcred-burst")
            try await cluster.withController { controller in
                try await eventually("the first namespace is synced") { await cluster.status(name)?.namespaces?.synced == 1 }
                let writesBefore = await controller.reconciler.statusWriter.writes[name] ?? 0
                let started = ContinuousClock.now
                // One at a time, as a tenant-onboarding script creates them: each namespace (and
                // its default service account) is its own event and its own pass.
                for index in 0..<200 { _ = try await cluster.namespace("b\(index)") }
                try await eventually("status counts all 201 namespaces", timeout: .seconds(60)) {
                    let status = await cluster.status(name)
                    return status?.namespaces?.synced == 201 && status?.namespaces?.targeted == 201
                }
                let elapsed = (ContinuousClock.now - started).timeInterval
                let writes = (await controller.reconciler.statusWriter.writes[name] ?? 0) - writesBefore
                // One write may open each interval and one close it; the namespaces do not count.
                #expect(writes <= Int(elapsed) + 3, "\(writes) status writes for 200 new namespaces in \(elapsed) s")
                #expect(writes >= 1)
            }
        }
    }

    @Test("a status waiting for its interval is written by flush (shutdown), latest state only")
    func flushWritesTheLatest() async throws {
        try await ControllerHarness.run { cluster in
            let name = try await cluster.clusterPullSecret("flush", secretName: "regcred-flush")
            var logger = Logger(label: "regcred.test")
            logger.logLevel = .error
            let writer = StatusWriter(client: cluster.client, interval: .seconds(3600), logger: logger)
            func status(synced: Int) -> ClusterPullSecretStatus {
                ClusterPullSecretStatus(observedGeneration: 1, namespaces: NamespaceCounts(targeted: 3, synced: synced, failed: 0))
            }
            try await writer.submit(status(synced: 1), for: name, stored: nil)
            try await writer.submit(status(synced: 2), for: name, stored: nil)
            try await writer.submit(status(synced: 3), for: name, stored: nil)
            #expect(await cluster.status(name)?.namespaces?.synced == 1, "within the interval only the first is written")
            #expect(await writer.writes[name] == 1)
            await writer.flush()
            #expect(await cluster.status(name)?.namespaces?.synced == 3, "flush writes the latest")
            #expect(await writer.writes[name] == 2)
        }
    }
}

@Suite("No head-of-line blocking", .serialized)
struct NewNamespaceDuringFullPassTests {
    @Test("a namespace created during a slow full pass is served before the pass ends")
    func servedBeforeTheFullPassEnds() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "t0ken-hol")
            var initial: [String] = []
            for index in 0..<150 { initial.append(try await cluster.namespace("i\(index)")) }
            _ = try await cluster.clusterPullSecret("hol", secretName: "regcred-hol")
            // A slow client: 150 namespaces need 300 writes, about 20 s at 15 requests a second.
            var slow = cluster.client.config
            slow.qps = 15
            slow.burst = 15
            try await cluster.withController(config: slow) { _ in
                try await eventually("the full pass has begun") {
                    for namespace in initial.prefix(20) where await cluster.secret("regcred-hol", in: namespace) != nil { return true }
                    return false
                }
                let late = try await cluster.namespace("late")
                try await eventually("the new namespace has its secret and SA entry", timeout: .seconds(60)) {
                    let secret = await cluster.secret("regcred-hol", in: late) != nil
                    let attached = await cluster.pullSecretNames(in: late)?.contains("regcred-hol") == true
                    return secret && attached
                }
                var unserved = 0
                for namespace in initial where await cluster.secret("regcred-hol", in: namespace) == nil { unserved += 1 }
                #expect(unserved > 0, "the new namespace waited for the whole full pass")
            }
        }
    }
}

@Suite("No write amplification", .serialized)
struct WriteAmplificationTests {
    @Test("converging 60 namespaces costs one secret create and one service-account patch each, and no reads")
    func oneWriteEach() async throws {
        try await ControllerHarness.run { cluster in
            // Request counts are the sandbox's: a shared real cluster serves other clients too.
            guard let sandbox = cluster.sandbox else { return }
            try await cluster.sourceSecret(password: "t0ken-once")
            var namespaces: [String] = []
            for index in 0..<60 { namespaces.append(try await cluster.namespace("w\(index)")) }
            for namespace in namespaces {
                try await eventually("\(namespace)'s default service account exists") { await cluster.pullSecretNames(in: namespace) != nil }
            }
            let name = try await cluster.clusterPullSecret("once", secretName: "regcred-once")
            let creates = await sandbox.requestCount(verb: "create", resource: "secrets")
            let patches = await sandbox.requestCount(verb: "patch", resource: "serviceaccounts")
            let gets = await sandbox.requestCount(verb: "get", resource: "serviceaccounts")
            try await cluster.withController { _ in
                try await eventually("all 60 synced") { await cluster.status(name)?.namespaces?.synced == 60 }
                // Echo events of the pass's own writes settle before counting.
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(await sandbox.requestCount(verb: "create", resource: "secrets") - creates == 60)
            #expect(await sandbox.requestCount(verb: "patch", resource: "serviceaccounts") - patches == 60)
            #expect(await sandbox.requestCount(verb: "get", resource: "serviceaccounts") - gets == 0)
        }
    }
}
