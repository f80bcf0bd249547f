import Foundation
import Testing

@testable import RegcredCore

@Suite("Refresh scheduling")
struct RefreshScheduleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("refresh at before-expiry or half-life, whichever comes first", arguments: [
        (12.0 * 3600, 11.5 * 3600),  // ECR: 12 h token, 30 min before → 11.5 h, earlier than... no: half-life 6 h comes first
        (3600.0, 1800.0),  // GCP: 1 h token → min(30 min, 30 min)
        (600.0, 300.0),  // 10 min token → half-life 5 min beats "30 min before" (which is in the past)
    ])
    func refreshPoint(lifetime: TimeInterval, _ unused: TimeInterval) {
        let schedule = RefreshSchedule(jitter: 0)
        let decision = schedule.next(obtainedAt: t0, expiresAt: t0.addingTimeInterval(lifetime), random: 0)
        let expected = min(lifetime - 1800, lifetime / 2)
        #expect(decision.refreshAt == t0.addingTimeInterval(max(0, expected)))
        #expect(decision.warning == nil)
    }

    @Test("a long-lived token refreshes 'before' ahead of expiry when that is earlier than half-life")
    func beforeWins() {
        let schedule = RefreshSchedule(before: .seconds(40 * 3600), jitter: 0)
        let decision = schedule.next(obtainedAt: t0, expiresAt: t0.addingTimeInterval(48 * 3600), random: 0)
        #expect(decision.refreshAt == t0.addingTimeInterval(8 * 3600))
    }

    @Test("jitter only ever moves the refresh earlier, by at most the jitter fraction")
    func jitterBounds() {
        let schedule = RefreshSchedule(jitter: 0.1)
        let expiry = t0.addingTimeInterval(3600)
        let latest = schedule.next(obtainedAt: t0, expiresAt: expiry, random: 0).refreshAt
        let earliest = schedule.next(obtainedAt: t0, expiresAt: expiry, random: 0.999999).refreshAt
        #expect(latest == t0.addingTimeInterval(1800))
        #expect(earliest >= t0.addingTimeInterval(1620))
        #expect(earliest < latest)
    }

    @Test("no expiry: refresh on the interval")
    func noExpiry() {
        let decision = RefreshSchedule(interval: .seconds(600), jitter: 0).next(obtainedAt: t0, expiresAt: nil, random: 0.5)
        #expect(decision.refreshAt == t0.addingTimeInterval(600))
    }

    @Test("an expiry in the past or absurdly far away falls back to the interval with a warning", arguments: [-60.0, 10 * 365 * 86400.0])
    func implausibleExpiry(offset: TimeInterval) {
        let decision = RefreshSchedule(interval: .seconds(600), jitter: 0).next(obtainedAt: t0, expiresAt: t0.addingTimeInterval(offset), random: 0)
        #expect(decision.refreshAt == t0.addingTimeInterval(600))
        #expect(decision.warning?.contains("refreshing on the interval instead") == true)
    }
}

@Suite("Retry policies")
struct RetryPolicyTests {
    @Test("simple retries wait the same delay every time")
    func simple() {
        let policy = TokenRetryPolicy(kind: .simple, delay: .seconds(3))
        #expect((0..<5).map { policy.delay(beforeRetry: $0, random: 0.7) } == Array(repeating: .seconds(3), count: 5))
    }

    @Test("exponential retries double, stay within [half, full], and are capped")
    func exponential() {
        let policy = TokenRetryPolicy(kind: .exponential, delay: .seconds(1), cap: .seconds(10))
        #expect(policy.delay(beforeRetry: 0, random: 0.999999) <= .seconds(1))
        #expect(policy.delay(beforeRetry: 0, random: 0) == .milliseconds(500))
        #expect(policy.delay(beforeRetry: 2, random: 0) == .seconds(2))
        #expect(policy.delay(beforeRetry: 10, random: 0.999999) <= .seconds(10))
        #expect(policy.delay(beforeRetry: 10, random: 0) == .seconds(5))
    }

    @Test("TOKEN_RETRY_* environment variables set the defaults; bad values are reported")
    func environment() {
        let (policy, problems) = TokenRetryPolicy.fromEnvironment(["TOKEN_RETRY_TYPE": "simple", "TOKEN_RETRIES": "5", "TOKEN_RETRY_DELAY": "2.5"])
        #expect(policy == TokenRetryPolicy(kind: .simple, retries: 5, delay: .milliseconds(2500)))
        #expect(problems.isEmpty)
        let (fallback, bad) = TokenRetryPolicy.fromEnvironment(["TOKEN_RETRY_TYPE": "linear", "TOKEN_RETRIES": "-1"])
        #expect(fallback == TokenRetryPolicy())
        #expect(bad.count == 2)
    }
}
