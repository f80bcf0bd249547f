// Leader election's rules as tables: LeaseDecision (no server, no clock) and its configuration.
import Foundation
import KubeSandbox
import KubernetesClient
import Logging
import RegcredCore
import Synchronization
import TestPeers
import Testing
@testable import Controller

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
