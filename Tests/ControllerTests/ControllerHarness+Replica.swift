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
                // client-go's proportions (15 s / 10 s / 2 s) scaled down, with a full second
                // between giving up the lease and another replica taking it, so a busy machine
                // delaying one renewal cannot make both lead.
                leaseDuration: .seconds(4), renewDeadline: .milliseconds(2500), retryPeriod: .milliseconds(250)),
            logger: logger)
        let service = ControllerService(controller: controller, elector: elector, workers: workers, logger: logger)
        return Replica(controller: controller, elector: elector, task: Task { try await service.run() })
    }
}
