// LeaderElectedService: a LeaseElector and the work it guards as one ServiceLifecycle Service.
// Graceful shutdown (SIGTERM) cancels the election: the work is cancelled and awaited, then
// the lease is released so that another replica takes over at once.
import ServiceLifecycle

public struct LeaderElectedService: Service {
    public let elector: LeaseElector
    private let work: @Sendable () async throws -> Void

    public init(elector: LeaseElector, whileLeading work: @escaping @Sendable () async throws -> Void) {
        self.elector = elector
        self.work = work
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown { [elector, work] in
            try await elector.run(whileLeading: work)
        }
    }
}
