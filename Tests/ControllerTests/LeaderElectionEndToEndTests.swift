// Two controller replicas with leader election: only the leader writes, and the other takes
// over when it stops.
import Controller
import Foundation
import KubeSandbox
import KubernetesClient
import Logging
import Operations
import RegcredCore
import ServiceLifecycle
import TestPeers
import Testing

@Suite("Leader election end to end", .serialized)
struct LeaderElectionEndToEndTests {
    @Test("only the leader writes; when it stops, the other replica takes over and serves new namespaces")
    func takeover() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "le4der-token")
            let apps = try await cluster.namespace("apps")
            _ = try await cluster.clusterPullSecret("leader", secretName: "regcred-pull")
            let first = cluster.replica("replica-a")
            let second = cluster.replica("replica-b")
            try await eventually("apps is served") { await cluster.pullSecretNames(in: apps)?.contains("regcred-pull") == true }
            var leaders: [Bool] = []
            for _ in 0..<20 {
                let a = await first.elector.isLeader
                let b = await second.elector.isLeader
                #expect(!(a && b), "both replicas lead at once")
                leaders.append(a)
                try await Task.sleep(for: .milliseconds(10))
            }
            let firstLeads = await first.elector.isLeader
            let (leader, follower) = firstLeads ? (first, second) : (second, first)
            #expect(await follower.elector.isLeader == false)
            // The follower's caches are warm (keys wait in its queue) but its workers never ran.
            #expect(await follower.controller.queue.depth > 0)
            #expect(!follower.controller.metrics.exposition().contains("regcred_reconcile_total{"))
            #expect(leader.controller.metrics.exposition().contains("regcred_reconcile_total{"))

            leader.task.cancel()
            _ = try? await leader.task.value
            try await eventually("the other replica leads", timeout: .seconds(40)) { await follower.elector.isLeader }
            let late = try await cluster.namespace("late")
            try await eventually("a namespace created after the takeover is served") {
                await cluster.pullSecretNames(in: late)?.contains("regcred-pull") == true
            }
            follower.task.cancel()
            _ = try? await follower.task.value
        }
    }
}
