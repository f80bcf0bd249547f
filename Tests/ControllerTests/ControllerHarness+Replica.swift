// A controller replica with leader election, as `regcred controller --leader-elect` runs it, for
// the tests where several replicas share one cluster (leader election, the pod webhook on every
// replica).
import Controller
import Logging
import RegcredCore

struct Replica {
    let controller: PullSecretController
    let elector: LeaseElector
    let task: Task<Void, any Error>
}

extension ControllerHarness {
    func replica(_ identity: String, workers: Int = 2) -> Replica {
        var logger = Logger(label: "regcred.test.\(identity)")
        logger.logLevel = .error
        let controller = PullSecretController(
            client: client, controllerNamespace: controllerNamespace, catalog: ProfileCatalog(),
            metrics: ControllerMetrics(), identity: identity, selector: clusterPullSecretSelector, logger: logger)
        let elector = LeaseElector(
            client: client,
            config: LeaderElectionConfig(
                namespace: controllerNamespace, name: "regcred-controller", identity: identity,
                // client-go's defaults (15 s / 10 s / 2 s): a stopping leader releases the lease, so a
                // takeover takes one retry period, and an API server slowed by every other test (the
                // shared-cluster run) cannot make a leader miss its renewal and flap.
                leaseDuration: .seconds(15), renewDeadline: .seconds(10), retryPeriod: .seconds(2)),
            logger: logger)
        let service = ControllerService(controller: controller, elector: elector, workers: workers, logger: logger)
        return Replica(controller: controller, elector: elector, task: Task { try await service.run() })
    }
}
