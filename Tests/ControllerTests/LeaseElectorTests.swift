// Leader election: LeaseDecision's rules as tables (no server, no clock), then LeaseElector
// against KubeSandbox: one leader of two, takeover after a release and after expiry, never two
// leaders at once, stepping down when renewals fail.
import Foundation
import KubeSandbox
import KubernetesClient
import Logging
import RegcredCore
import Synchronization
import TestPeers
import Testing
@testable import Controller

// MARK: - LeaseDecision

@Suite("LeaseDecision")
struct LeaseDecisionTests {
    static let wall = Date(timeIntervalSince1970: 1_750_000_000)
    static let earlier = Date(timeIntervalSince1970: 1_749_000_000)

    func decision(_ identity: String = "me") -> LeaseDecision {
        LeaseDecision(identity: identity, leaseDuration: .seconds(15), renewDeadline: .seconds(10), retryPeriod: .seconds(2))
    }

    func spec(holder: String?, seconds: Int? = 15, transitions: Int? = 3, renewed: Date = earlier) -> LeaseSpec {
        LeaseSpec(holderIdentity: holder, leaseDurationSeconds: seconds, acquireTime: MicroTime(Self.earlier),
                  renewTime: MicroTime(renewed), leaseTransitions: transitions)
    }

    @Test("an absent lease is created with us as holder, 15 s, no transitions, acquire = renew = now")
    func absentIsCreated() {
        var decision = decision()
        decision.observe(nil, at: .seconds(5))
        let expected = LeaseSpec(holderIdentity: "me", leaseDurationSeconds: 15, acquireTime: MicroTime(Self.wall),
                                 renewTime: MicroTime(Self.wall), leaseTransitions: 0)
        #expect(decision.step(at: .seconds(5), wallClock: Self.wall) == .create(expected))
    }

    @Test("a lease held by another replica and observed less than its duration ago is left alone",
          arguments: [Duration.zero, .seconds(1), .milliseconds(14_999)])
    func freshHeldByOtherWaits(elapsed: Duration) {
        var decision = decision()
        decision.observe(spec(holder: "other"), at: .seconds(100))
        #expect(decision.step(at: .seconds(100) + elapsed, wallClock: Self.wall) == .wait(holder: "other"))
        #expect(!decision.isHeldByUs)
    }

    @Test("a lease unchanged for its full duration on our clock is taken over: transitions + 1, acquireTime now",
          arguments: [Duration.seconds(15), .seconds(16), .seconds(3600)])
    func expiredIsTakenOver(elapsed: Duration) {
        var decision = decision()
        decision.observe(spec(holder: "other", transitions: 3), at: .seconds(100))
        guard case .update(let next) = decision.step(at: .seconds(100) + elapsed, wallClock: Self.wall) else {
            Issue.record("expected an update")
            return
        }
        #expect(next.holderIdentity == "me")
        #expect(next.leaseTransitions == 4)
        #expect(next.acquireTime == MicroTime(Self.wall))
        #expect(next.renewTime == MicroTime(Self.wall))
        #expect(next.leaseDurationSeconds == 15)
    }

    @Test("expiry is judged by when we saw the record change, not by the server's renewTime")
    func serverTimestampsAreNotTrusted() {
        var decision = decision()
        // renewTime is a year old, but we have only just seen this record: it is not expired.
        let stale = spec(holder: "other", renewed: Date(timeIntervalSince1970: 1_700_000_000))
        decision.observe(stale, at: .seconds(100))
        #expect(decision.step(at: .seconds(101), wallClock: Self.wall) == .wait(holder: "other"))
    }

    @Test("an unchanged record keeps aging; a changed one restarts the wait")
    func onlyChangesRestartTheClock() {
        var aging = decision()
        aging.observe(spec(holder: "other"), at: .seconds(100))
        aging.observe(spec(holder: "other"), at: .seconds(110))
        #expect(aging.isExpired(at: .seconds(115)))

        var renewed = decision()
        renewed.observe(spec(holder: "other"), at: .seconds(100))
        renewed.observe(spec(holder: "other", renewed: Self.wall), at: .seconds(110))
        #expect(!renewed.isExpired(at: .seconds(115)))
        #expect(renewed.isExpired(at: .seconds(125)))
    }

    @Test("our own lease is renewed: acquireTime and transitions kept, renewTime now")
    func oursIsRenewed() {
        var decision = decision()
        decision.observe(spec(holder: "me", transitions: 7), at: .seconds(100))
        let expected = LeaseSpec(holderIdentity: "me", leaseDurationSeconds: 15, acquireTime: MicroTime(Self.earlier),
                                 renewTime: MicroTime(Self.wall), leaseTransitions: 7)
        #expect(decision.step(at: .seconds(101), wallClock: Self.wall) == .update(expected))
        #expect(decision.renewal(at: .seconds(101), wallClock: Self.wall) == expected)
        #expect(decision.isHeldByUs)
    }

    @Test("the optimistic renewal is refused once our own record has expired on our clock")
    func noFastPathAfterExpiry() {
        var decision = decision()
        decision.recordWrite(spec(holder: "me"), at: .seconds(100))
        #expect(decision.renewal(at: .seconds(115), wallClock: Self.wall) == nil)
    }

    @Test("a released lease (empty holder) is taken at once, counting a transition")
    func releasedIsTakenAtOnce() {
        var decision = decision()
        decision.observe(spec(holder: "", seconds: 1, transitions: 2), at: .seconds(100))
        guard case .update(let next) = decision.step(at: .seconds(100), wallClock: Self.wall) else {
            Issue.record("expected an update")
            return
        }
        #expect(next.holderIdentity == "me")
        #expect(next.leaseTransitions == 3)
        #expect(decision.holder == nil)
    }

    @Test("a lease without a duration counts as expired")
    func missingDurationIsExpired() {
        var decision = decision()
        decision.observe(spec(holder: "other", seconds: nil), at: .seconds(100))
        #expect(decision.isExpired(at: .seconds(100)))
    }

    @Test("transitions count holder changes: create 0, takeover from another 1, renew keeps, takeover again 2")
    func transitionsAcrossHolders() {
        var a = decision("a")
        a.observe(nil, at: .zero)
        guard case .create(let created) = a.step(at: .zero, wallClock: Self.wall) else { Issue.record("create"); return }
        #expect(created.leaseTransitions == 0)

        var b = decision("b")
        b.observe(created, at: .seconds(1))
        guard case .update(let takenByB) = b.step(at: .seconds(16), wallClock: Self.wall) else { Issue.record("take"); return }
        #expect(takenByB.leaseTransitions == 1)
        b.recordWrite(takenByB, at: .seconds(16))
        guard case .update(let renewedByB) = b.step(at: .seconds(17), wallClock: Self.wall) else { Issue.record("renew"); return }
        #expect(renewedByB.leaseTransitions == 1)

        a.observe(renewedByB, at: .seconds(17))
        guard case .update(let takenByA) = a.step(at: .seconds(32), wallClock: Self.wall) else { Issue.record("back"); return }
        #expect(takenByA.leaseTransitions == 2)
    }

    @Test("release writes an empty holder and a 1 s duration, keeping transitions; nothing when not ours")
    func release() {
        var ours = decision()
        ours.recordWrite(spec(holder: "me", transitions: 5), at: .seconds(1))
        let released = ours.release(wallClock: Self.wall)
        #expect(released?.holderIdentity == "")
        #expect(released?.leaseDurationSeconds == 1)
        #expect(released?.leaseTransitions == 5)
        #expect(released?.renewTime == MicroTime(Self.wall))
        #expect(released?.acquireTime == MicroTime(Self.wall))

        var theirs = decision()
        theirs.observe(spec(holder: "other"), at: .seconds(1))
        #expect(theirs.release(wallClock: Self.wall) == nil)
    }

    @Test("fields we do not model (preferredHolder, strategy) survive a takeover")
    func unknownFieldsKept() throws {
        var raw = spec(holder: "other").json
        raw["preferredHolder"] = .string("me")
        raw["strategy"] = .string("OldestEmulationVersion")
        var decision = decision()
        decision.observe(try LeaseSpec(json: raw), at: .zero)
        guard case .update(let next) = decision.step(at: .seconds(20), wallClock: Self.wall) else { Issue.record("update"); return }
        #expect(next.json["preferredHolder"] == .string("me"))
        #expect(next.json["strategy"] == .string("OldestEmulationVersion"))
    }

    @Test("the leader gives up once renewDeadline has passed since its last renewal was sent",
          arguments: [(Duration.seconds(9), false), (.milliseconds(9_999), false), (.seconds(10), true), (.seconds(12), true)])
    func renewDeadline(elapsed: Duration, givesUp: Bool) {
        let decision = decision()
        #expect(decision.shouldGiveUp(lastRenewal: .seconds(50), at: .seconds(50) + elapsed) == givesUp)
    }

    @Test("acquire attempts wait retryPeriod jittered by up to 1.2×",
          arguments: [(0.0, Duration.seconds(2)), (0.5, .milliseconds(3200)), (1.0, .milliseconds(4400))])
    func jitter(random: Double, delay: Duration) {
        #expect(decision().acquireRetryDelay(random: random) == delay)
    }

    @Test("lease duration is written in whole seconds")
    func wholeSeconds() {
        let decision = LeaseDecision(identity: "me", leaseDuration: .milliseconds(1500), renewDeadline: .seconds(1),
                                     retryPeriod: .milliseconds(200))
        #expect(decision.leaseDurationSeconds == 1)
    }
}

@Suite("LeaseDecision configuration")
struct LeaseDecisionConfigTests {
    @Test("client-go's defaults are 15 s / 10 s / 2 s and valid")
    func defaults() throws {
        let config = LeaderElectionConfig(namespace: "regcred", name: "regcred-controller", identity: "pod-1")
        #expect(config.leaseDuration == .seconds(15))
        #expect(config.renewDeadline == .seconds(10))
        #expect(config.retryPeriod == .seconds(2))
        #expect(config.releaseOnCancel)
        try config.validate()
    }

    @Test("invalid durations are rejected as client-go rejects them",
          arguments: [
              (Duration.seconds(10), Duration.seconds(10), Duration.seconds(2), LeaderElectionConfigError.leaseDurationNotAboveRenewDeadline(.seconds(10), .seconds(10))),
              (.seconds(15), .milliseconds(2400), .seconds(2), .renewDeadlineNotAboveJitteredRetry(.milliseconds(2400), .seconds(2))),
              (.milliseconds(900), .milliseconds(500), .milliseconds(100), .leaseDurationBelowOneSecond(.milliseconds(900))),
              (.seconds(15), .seconds(10), .zero, .nonPositive("retryPeriod")),
          ])
    func invalid(lease: Duration, renew: Duration, retry: Duration, error: LeaderElectionConfigError) {
        let config = LeaderElectionConfig(namespace: "ns", name: "l", identity: "me", leaseDuration: lease,
                                          renewDeadline: renew, retryPeriod: retry)
        #expect(throws: error) { try config.validate() }
    }

    @Test("an empty identity is rejected")
    func emptyIdentity() {
        #expect(throws: LeaderElectionConfigError.emptyIdentity) {
            try LeaderElectionConfig(namespace: "ns", name: "l", identity: "").validate()
        }
    }

    @Test("the default identity is the pod name plus a unique suffix")
    func defaultIdentity() {
        let first = LeaderElectionConfig.defaultIdentity(environment: ["POD_NAME": "regcred-7f9c"])
        let second = LeaderElectionConfig.defaultIdentity(environment: ["POD_NAME": "regcred-7f9c"])
        #expect(first.hasPrefix("regcred-7f9c_"))
        #expect(first != second)
    }
}

// MARK: - LeaseElector against KubeSandbox

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
