// ControllerService: the long-running controller as a swift-service-lifecycle Service. Caches
// run on every replica (so a standby is warm); workers run only while this replica leads.
// Losing the lease ends the service, and with it the process, as client-go controllers do:
// the replica restarts as a clean follower instead of risking two writers.
import KubernetesClient
import Logging
import ServiceLifecycle

public struct ControllerService: Service {
    public let controller: PullSecretController
    public let elector: LeaseElector?
    public let workers: Int
    public let logger: Logger

    public init(controller: PullSecretController, elector: LeaseElector?, workers: Int, logger: Logger) {
        self.controller = controller
        self.elector = elector
        self.workers = workers
        self.logger = logger
    }

    public func run() async throws {
        await controller.registerHandlers()
        let controller = self.controller
        let workers = self.workers
        let metrics = controller.metrics
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await controller.runInformers() }
                group.addTask {
                    await controller.caches.waitUntilSynced()
                    let work: @Sendable () async throws -> Void = {
                        metrics.setLeader(true)
                        defer { metrics.setLeader(false) }
                        await withTaskCancellationHandler {
                            await controller.runWorkers(workers)
                        } onCancel: {
                            Task { await controller.queue.shutDown() }
                        }
                    }
                    if let elector {
                        try await elector.run(whileLeading: work)
                    } else {
                        try await work()
                    }
                }
                // Whichever ends first (shutdown, lost lease) ends the service.
                _ = try await group.next()
                group.cancelAll()
            }
        }
        await controller.reconciler.statusWriter.flush()
        logger.info("controller stopped")
    }
}
