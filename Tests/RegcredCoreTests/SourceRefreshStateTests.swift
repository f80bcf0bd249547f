import Foundation
import Testing

@testable import RegcredCore

@Suite("Source refresh state")
struct SourceRefreshStateTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func token(_ password: String, expiresIn seconds: TimeInterval?) -> CredentialMaterial {
        .basic(Credential(username: "AWS", password: Redacted(password), expiresAt: seconds.map { start.addingTimeInterval($0) }))
    }

    static func state(retry: TokenRetryPolicy = TokenRetryPolicy(kind: .simple, retries: 2, delay: .seconds(10))) -> SourceRefreshState {
        SourceRefreshState(schedule: RefreshSchedule(before: .seconds(30 * 60), interval: .seconds(3600), jitter: 0.1), retry: retry)
    }

    @Test("fetches first, then waits until the refresh point: a 12 h token refreshes at half-life, 6 h (before 30 m would be later)")
    func refreshPoint() {
        var state = Self.state()
        #expect(state.decide(now: Self.start) == .fetch)
        state.succeeded(Self.token("a", expiresIn: 12 * 3600), now: Self.start, random: 0)
        let refreshAt = Self.start.addingTimeInterval(6 * 3600)
        #expect(state.decide(now: Self.start.addingTimeInterval(3600)) == .wait(until: refreshAt))
        #expect(state.decide(now: refreshAt) == .fetch)
        #expect(state.sourceState(now: Self.start) == .available(expiresAt: Self.start.addingTimeInterval(12 * 3600), refreshedAt: Self.start))
        var short = Self.state()
        short.succeeded(Self.token("b", expiresIn: 40 * 60), now: Self.start, random: 0)
        #expect(short.nextWake == Self.start.addingTimeInterval(10 * 60), "40 min token: 30 min before comes first, at 10 min")
    }

    @Test("a 1 h token refreshes at half its lifetime; jitter only ever brings the refresh earlier, by at most 10 %")
    func halfLifetimeAndJitter() {
        for random in [0.0, 0.5, 0.999] {
            var state = Self.state()
            state.succeeded(Self.token("a", expiresIn: 3600), now: Self.start, random: random)
            let wait = state.lastGood!.refreshAt.timeIntervalSince(Self.start)
            #expect(wait <= 1800 && wait >= 1800 * 0.9, "random \(random) gave \(wait)")
        }
    }

    @Test("a credential without expiry is re-read on the interval")
    func interval() {
        var state = Self.state()
        state.succeeded(Self.token("a", expiresIn: nil), now: Self.start, random: 0)
        #expect(state.nextWake == Self.start.addingTimeInterval(3600))
    }

    @Test("an expiry in the past or years away falls back to the interval with a warning")
    func implausibleExpiry() {
        var past = Self.state()
        let warning = past.succeeded(Self.token("a", expiresIn: -60), now: Self.start, random: 0)
        #expect(warning?.contains("in the past") == true)
        #expect(past.nextWake == Self.start.addingTimeInterval(3600))
        var far = Self.state()
        #expect(far.succeeded(Self.token("a", expiresIn: 5 * 365 * 86400), now: Self.start, random: 0)?.contains("far away") == true)
    }

    @Test("failures keep the last good credential, retry on the policy, and are reported only after the retries")
    func failuresKeepLastGood() {
        var state = Self.state()
        let good = Self.token("good", expiresIn: 12 * 3600)
        state.succeeded(good, now: Self.start, random: 0)
        var now = state.lastGood!.refreshAt
        for attempt in 1...3 {
            #expect(state.decide(now: now) == .fetch)
            state.failed(reason: "ProviderUnreachable", message: "ecr: cannot reach", now: now, random: 0.3)
            #expect(state.failure?.count == attempt)
            #expect(state.failure?.retryAt == now.addingTimeInterval(10), "simple policy: fixed 10 s")
            #expect(state.servable(now: now) == good, "the last good credential stays")
            let reported = state.sourceState(now: now).isUnavailable
            #expect(reported == (attempt > 2), "attempt \(attempt): reported only after 2 retries")
            #expect(state.decide(now: now.addingTimeInterval(5)) == .wait(until: now.addingTimeInterval(10)))
            now = now.addingTimeInterval(10)
        }
        let fresh = Self.token("fresh", expiresIn: 12 * 3600)
        state.succeeded(fresh, now: now, random: 0)
        #expect(state.failure == nil && state.servable(now: now) == fresh && !state.sourceState(now: now).isUnavailable)
    }

    @Test("exponential retries double from the delay up to the cap, with equal jitter")
    func exponentialRetries() {
        var state = Self.state(retry: TokenRetryPolicy(kind: .exponential, retries: 3, delay: .seconds(5), cap: .seconds(30)))
        var now = Self.start
        var waits: [TimeInterval] = []
        for _ in 0..<5 {
            state.failed(reason: "ProviderError", message: "m", now: now, random: 0.999_999)
            let retryAt = state.failure!.retryAt
            waits.append(retryAt.timeIntervalSince(now).rounded())
            now = retryAt
        }
        #expect(waits == [5, 10, 20, 30, 30])
        var low = Self.state(retry: TokenRetryPolicy(kind: .exponential, retries: 3, delay: .seconds(8), cap: .seconds(60)))
        low.failed(reason: "ProviderError", message: "m", now: Self.start, random: 0)
        #expect(low.failure!.retryAt == Self.start.addingTimeInterval(4), "equal jitter: never below half")
    }

    @Test("an expired last good credential is not served, and the outage is reported at once")
    func expiredIsNotServed() {
        var state = Self.state()
        state.succeeded(Self.token("good", expiresIn: 3600), now: Self.start, random: 0)
        let after = Self.start.addingTimeInterval(3601)
        state.failed(reason: "CredentialsRejected", message: "ecr: rejected", now: after, random: 0)
        #expect(state.servable(now: after) == nil)
        #expect(state.sourceState(now: after) == .unavailable(reason: "CredentialsRejected", message: "ecr: rejected"))
    }

    @Test("nothing fetched yet and the first call fails: unavailable, nothing to serve")
    func firstFailure() {
        var state = Self.state()
        state.failed(reason: "SourceMisconfigured", message: "no AWS credentials", now: Self.start, random: 0)
        #expect(state.servable(now: Self.start) == nil)
        #expect(state.sourceState(now: Self.start).isUnavailable)
    }
}
