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
    struct Replica {
        let controller: PullSecretController
        let elector: LeaseElector
        let task: Task<Void, any Error>
    }

    func replica(_ identity: String, cluster: ControllerHarness) -> Replica {
        var logger = Logger(label: "regcred.test.\(identity)")
        logger.logLevel = .error
        let controller = PullSecretController(
            client: cluster.client, controllerNamespace: cluster.controllerNamespace, catalog: ProfileCatalog(),
            metrics: ControllerMetrics(), identity: identity, selector: cluster.clusterPullSecretSelector, logger: logger)
        let elector = LeaseElector(
            client: cluster.client,
            config: LeaderElectionConfig(
                namespace: cluster.controllerNamespace, name: "regcred-controller", identity: identity,
                // client-go's proportions (15 s / 10 s / 2 s) scaled down, with a full second
                // between giving up the lease and another replica taking it, so a busy machine
                // delaying one renewal cannot make both lead.
                leaseDuration: .seconds(4), renewDeadline: .milliseconds(2500), retryPeriod: .milliseconds(250)),
            logger: logger)
        let service = ControllerService(controller: controller, elector: elector, workers: 2, logger: logger)
        return Replica(controller: controller, elector: elector, task: Task { try await service.run() })
    }

    @Test("only the leader writes; when it stops, the other replica takes over and serves new namespaces")
    func takeover() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "le4der-token")
            let apps = try await cluster.namespace("apps")
            _ = try await cluster.clusterPullSecret("leader", secretName: "regcred-pull")
            let first = replica("replica-a", cluster: cluster)
            let second = replica("replica-b", cluster: cluster)
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
            try await eventually("the other replica leads", timeout: .seconds(20)) { await follower.elector.isLeader }
            let late = try await cluster.namespace("late")
            try await eventually("a namespace created after the takeover is served") {
                await cluster.pullSecretNames(in: late)?.contains("regcred-pull") == true
            }
            follower.task.cancel()
            _ = try? await follower.task.value
        }
    }
}
