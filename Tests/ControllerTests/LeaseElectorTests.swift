// LeaseElector against KubeSandbox: one leader of two, takeover after a release and after expiry,
// never two leaders at once, stepping down when renewals fail.
import Foundation
import KubeSandbox
import KubernetesClient
import Logging
import RegcredCore
import Synchronization
import TestPeers
import Testing
@testable import Controller

/// A sandbox, a kubeconfig for it, and a client per elector (each replica has its own).
private final class ElectionSandbox: Sendable {
    let sandbox: KubeSandbox
    let kubeconfigPath: String
    let clients: Mutex<[KubeClient]> = Mutex([])
    let leaseName = "regcred-test-\(UUID().uuidString.prefix(8).lowercased())"

    private init(sandbox: KubeSandbox, kubeconfigPath: String) {
        self.sandbox = sandbox
        self.kubeconfigPath = kubeconfigPath
    }

    static func start() async throws -> ElectionSandbox {
        let sandbox = try await KubeSandbox.start()
        let path = NSTemporaryDirectory() + "regcred-election-\(UUID().uuidString).yaml"
        try sandbox.writeKubeconfig(to: path)
        return ElectionSandbox(sandbox: sandbox, kubeconfigPath: path)
    }

    func client() throws -> KubeClient {
        var config = try KubeconfigLoader(explicitPath: kubeconfigPath, environment: [:]).clientConfig()
        config.qps = 0
        config.requestTimeout = .seconds(5)
        var logger = Logger(label: "test.election.client")
        logger.logLevel = .critical
        let client = try KubeClient(config: config, logger: logger)
        clients.withLock { $0.append(client) }
        return client
    }

    func elector(_ identity: String, client: KubeClient? = nil, lease: Duration = .seconds(1),
                 renew: Duration = .milliseconds(700), retry: Duration = .milliseconds(200),
                 releaseOnCancel: Bool = true) throws -> LeaseElector {
        let config = LeaderElectionConfig(namespace: "default", name: leaseName, identity: identity, leaseDuration: lease,
                                          renewDeadline: renew, retryPeriod: retry, releaseOnCancel: releaseOnCancel)
        var logger = Logger(label: "test.election.\(identity)")
        logger.logLevel = .critical
        return LeaseElector(client: try client ?? self.client(), config: config, logger: logger)
    }

    func lease() async throws -> Lease? {
        let client = try client()
        do {
            return try await client.resource(Lease.self, namespace: "default").get(leaseName)
        } catch let error as KubeAPIError where error.isNotFound {
            return nil
        }
    }

    func stop() async throws {
        for client in clients.withLock({ $0 }) { try? await client.shutdown() }
        try await sandbox.stop()
        try? FileManager.default.removeItem(atPath: kubeconfigPath)
    }
}

/// What an elector's work saw: how often it started and whether it was cancelled.
private final class WorkLog: Sendable {
    private let state = Mutex((started: 0, cancelled: 0))
    var started: Int { state.withLock { $0.started } }
    var cancelled: Int { state.withLock { $0.cancelled } }

    /// Work that runs until cancelled, as a controller's reconcilers do.
    var work: @Sendable () async throws -> Void {
        { [self] in
            state.withLock { $0.started += 1 }
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
            state.withLock { $0.cancelled += 1 }
        }
    }
}


@Suite("LeaseElector", .serialized)
struct LeaseElectorTests {
    @Test("of two electors started together exactly one leads, and the lease names it")
    func oneOfTwoLeads() async throws {
        let cluster = try await ElectionSandbox.start()
        // Durations long enough that a busy machine does not make the leader step down: a full
        // test run keeps both cores busy (moto, registries, fuzzing) for seconds at a time.
        let a = try cluster.elector("a", lease: .seconds(12), renew: .seconds(10))
        let b = try cluster.elector("b", lease: .seconds(12), renew: .seconds(10))
        let logA = WorkLog(), logB = WorkLog()
        let runA = Task { try await a.run(whileLeading: logA.work) }
        let runB = Task { try await b.run(whileLeading: logB.work) }

        #expect(await eventually {
            let (leaderA, leaderB) = (await a.isLeader, await b.isLeader)
            return leaderA || leaderB
        })
        // Sample for several renewal periods: never both, always one.
        for _ in 0..<150 {
            let (leaderA, leaderB) = (await a.isLeader, await b.isLeader)
            #expect(!(leaderA && leaderB))
            #expect(leaderA || leaderB)
            try await Task.sleep(for: .milliseconds(10))
        }
        let leader = await a.isLeader ? "a" : "b"
        let lease = try #require(try await cluster.lease())
        #expect(lease.spec.holderIdentity == leader)
        #expect(lease.spec.leaseDurationSeconds == 12)
        #expect(lease.spec.leaseTransitions == 0)
        #expect(logA.started + logB.started == 1)

        runA.cancel(); runB.cancel()
        _ = await (runA.result, runB.result)
        try await cluster.stop()
    }

    @Test("when the leader shuts down it releases the lease and the other takes over long before expiry")
    func releasedLeaseIsTakenQuickly() async throws {
        let cluster = try await ElectionSandbox.start()
        // A 10 s lease: a takeover within 5 s can only come from the release.
        let a = try cluster.elector("a", lease: .seconds(10), renew: .seconds(2))
        let b = try cluster.elector("b", lease: .seconds(10), renew: .seconds(2))
        let logA = WorkLog(), logB = WorkLog()
        let runA = Task { try await a.run(whileLeading: logA.work) }
        #expect(await eventually { await a.isLeader })
        let runB = Task { try await b.run(whileLeading: logB.work) }
        #expect(await eventually { await b.observedLeader == "a" })

        runA.cancel()
        try await runA.value
        #expect(await !a.isLeader)
        #expect(logA.cancelled == 1)
        let released = try #require(try await cluster.lease())
        if released.spec.holderIdentity != "b" {  // b may already have taken it
            #expect(released.spec.holderIdentity == "")
            #expect(released.spec.leaseDurationSeconds == 1)
        }

        #expect(await eventually(timeout: .seconds(5)) { await b.isLeader })
        let taken = try #require(try await cluster.lease())
        #expect(taken.spec.holderIdentity == "b")
        #expect(taken.spec.leaseTransitions == 1)
        #expect(taken.spec.leaseDurationSeconds == 10)
        #expect(logB.started == 1)

        runB.cancel()
        try await runB.value
        #expect(try await cluster.lease()?.spec.holderIdentity == "")
        try await cluster.stop()
    }

    @Test("a release that meets a newer version of its own lease (a renewal cancelled on our side that still landed) reads it again and releases")
    func releaseAfterConflict() async throws {
        let cluster = try await ElectionSandbox.start()
        // Renewals 5 s apart: nothing of a's own writes between the stand-in "late renewal" and the cancel.
        let a = try cluster.elector("a", lease: .seconds(15), renew: .seconds(10), retry: .seconds(5))
        let log = WorkLog()
        let run = Task { try await a.run(whileLeading: log.work) }
        #expect(await eventually { await a.isLeader })
        let leases = try cluster.client().resource(Lease.self, namespace: "default")
        var held = try #require(try await cluster.lease())
        // Still a's record, at a new resourceVersion (a no-op update would not bump it): a's cached copy is stale.
        held.metadata.annotations["test.regcred.dev/late-renewal"] = "landed"
        _ = try await leases.update(held)

        run.cancel()
        try await run.value
        let released = try #require(try await cluster.lease())
        #expect(released.spec.holderIdentity == "")
        #expect(released.spec.leaseDurationSeconds == 1)
        try await cluster.stop()
    }

    @Test("when the leader dies without releasing, the other takes over only after the lease expires")
    func crashedLeaderExpires() async throws {
        let cluster = try await ElectionSandbox.start()
        let a = try cluster.elector("a", lease: .seconds(2), renew: .seconds(1), releaseOnCancel: false)
        let b = try cluster.elector("b", lease: .seconds(2), renew: .seconds(1))
        let runA = Task { try await a.run(whileLeading: WorkLog().work) }
        #expect(await eventually { await a.isLeader })
        let runB = Task { try await b.run(whileLeading: WorkLog().work) }
        #expect(await eventually { await b.observedLeader == "a" })

        runA.cancel()
        try await runA.value
        let crashed = ContinuousClock.now
        #expect(try await cluster.lease()?.spec.holderIdentity == "a")
        #expect(await eventually { await b.isLeader })
        // A 2 s lease, last renewed less than renewDeadline (1 s) before the crash.
        #expect(ContinuousClock.now - crashed >= .milliseconds(500))
        let taken = try #require(try await cluster.lease())
        #expect(taken.spec.holderIdentity == "b")
        #expect(taken.spec.leaseTransitions == 1)

        runB.cancel()
        _ = await runB.result
        try await cluster.stop()
    }

    @Test("a leader cut off from the server steps down before the other takes over: never two leaders")
    func partitionedLeaderStepsDownFirst() async throws {
        let cluster = try await ElectionSandbox.start()
        let clientA = try cluster.client()
        // The leader must step down (1 s after its last renewal) before the other's 2 s expiry.
        let a = try cluster.elector("a", client: clientA, lease: .seconds(2), renew: .seconds(1))
        let b = try cluster.elector("b", lease: .seconds(2), renew: .seconds(1))
        let logA = WorkLog()
        let runA = Task { try await a.run(whileLeading: logA.work) }
        #expect(await eventually { await a.isLeader })
        let runB = Task { try await b.run(whileLeading: WorkLog().work) }
        #expect(await eventually { await b.observedLeader == "a" })

        try await clientA.shutdown()  // every request of a now fails: it cannot renew
        var samples = 0
        var both = 0
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            let (leaderA, leaderB) = (await a.isLeader, await b.isLeader)
            samples += 1
            if leaderA && leaderB { both += 1 }
            if leaderB { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(await b.isLeader)
        #expect(await !a.isLeader)
        #expect(both == 0)
        #expect(samples > 50)
        #expect(logA.cancelled == 1)
        #expect(try await cluster.lease()?.spec.holderIdentity == "b")

        runA.cancel(); runB.cancel()
        _ = await (runA.result, runB.result)
        try await cluster.stop()
    }

    @Test("a leader whose renewals fail for renewDeadline stops its work, and leads again once the server recovers")
    func failedRenewalsStopTheWork() async throws {
        let cluster = try await ElectionSandbox.start()
        let a = try cluster.elector("a")
        let log = WorkLog()
        let run = Task { try await a.run(whileLeading: log.work) }
        #expect(await eventually { await a.isLeader })

        cluster.sandbox.faults.failNext(10_000, verb: "update", resource: "leases", status: 500)
        #expect(await eventually { await !a.isLeader })
        #expect(await eventually { log.cancelled == 1 })

        cluster.sandbox.faults.clear()
        #expect(await eventually { await a.isLeader })
        #expect(await eventually { log.started == 2 })
        // It was still the holder: re-acquiring its own lease is not a transition.
        #expect(try await cluster.lease()?.spec.leaseTransitions == 0)

        run.cancel()
        try await run.value
        try await cluster.stop()
    }

    @Test("work that throws ends the election with its error and releases the lease")
    func failingWorkReleases() async throws {
        struct WorkFailed: Error, Equatable {}
        let cluster = try await ElectionSandbox.start()
        let a = try cluster.elector("a")
        await #expect(throws: WorkFailed()) {
            try await a.run { throw WorkFailed() }
        }
        #expect(await !a.isLeader)
        #expect(try await cluster.lease()?.spec.holderIdentity == "")
        try await cluster.stop()
    }

    @Test("an invalid configuration fails before any request")
    func invalidConfig() async throws {
        let cluster = try await ElectionSandbox.start()
        let a = try cluster.elector("a", lease: .seconds(1), renew: .seconds(1))
        await #expect(throws: LeaderElectionConfigError.self) {
            try await a.run {}
        }
        #expect(await cluster.sandbox.requestCount(verb: "get", resource: "leases") == 0)
        try await cluster.stop()
    }
}
