// Retry decisions, backoff and the token bucket as pure values, with chosen time and randomness.
import Testing
@testable import KubernetesClient

@Suite struct ResiliencePolicyTests {
    let policy = RetryPolicy(maxAttempts: 4, backoff: Backoff(initial: .milliseconds(100), maximum: .seconds(1), multiplier: 2, jitter: 0), maxRetryAfter: .seconds(30))

    @Test(arguments: [
        // (verb, outcome, expected)
        (RequestVerb.get, RequestOutcome.response(status: 503, retryAfter: nil), RetryPolicy.Decision.retry(after: .milliseconds(100))),
        (.list, .response(status: 500, retryAfter: nil), .retry(after: .milliseconds(100))),
        (.create, .response(status: 500, retryAfter: nil), .finish),
        (.update, .response(status: 503, retryAfter: nil), .finish),
        (.delete, .response(status: 504, retryAfter: nil), .finish),
        (.patch, .response(status: 429, retryAfter: .seconds(2)), .retry(after: .seconds(2))),
        (.create, .response(status: 429, retryAfter: nil), .retry(after: .milliseconds(100))),
        (.get, .response(status: 429, retryAfter: .seconds(600)), .retry(after: .seconds(30))),
        (.get, .response(status: 404, retryAfter: nil), .finish),
        (.update, .response(status: 409, retryAfter: nil), .finish),
        (.get, .response(status: 200, retryAfter: nil), .finish),
        (.create, .transportFailure(.connectFailed(detail: "connection refused")), .retry(after: .milliseconds(100))),
        (.create, .transportFailure(.connectionLost(detail: "reset")), .finish),
        (.get, .transportFailure(.connectionLost(detail: "reset")), .retry(after: .milliseconds(100))),
        (.list, .transportFailure(.timedOut), .retry(after: .milliseconds(100))),
        (.delete, .transportFailure(.timedOut), .finish),
        (.get, .transportFailure(.tls(detail: "bad certificate")), .finish),
    ])
    func decidesWhatToRetry(verb: RequestVerb, outcome: RequestOutcome, expected: RetryPolicy.Decision) {
        #expect(policy.decide(verb: verb, outcome: outcome, attempt: 1, random: 0.3) == expected)
    }

    @Test func givesUpAfterMaxAttempts() {
        #expect(policy.decide(verb: .get, outcome: .response(status: 503, retryAfter: nil), attempt: 4, random: 0) == .finish)
        #expect(policy.decide(verb: .get, outcome: .response(status: 429, retryAfter: .seconds(1)), attempt: 4, random: 0) == .finish)
    }

    @Test func backoffDoublesUpToTheCap() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1), multiplier: 2, jitter: 0)
        #expect((1...6).map { backoff.delay(retry: $0, random: 0.9) } == [
            .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1),
        ])
    }

    @Test func jitterOnlyShortensDelays() {
        let backoff = Backoff(initial: .seconds(1), maximum: .seconds(10), multiplier: 2, jitter: 0.5)
        #expect(backoff.delay(retry: 1, random: 0) == .milliseconds(500))
        #expect(backoff.delay(retry: 1, random: 0.5) == .milliseconds(750))
        #expect(backoff.delay(retry: 10, random: 0.999_999_999) <= .seconds(10))
    }

    @Test func retryAfterHeaderParses() {
        #expect(RetryPolicy.retryAfter(header: "3") == .seconds(3))
        #expect(RetryPolicy.retryAfter(header: " 0 ") == .zero)
        #expect(RetryPolicy.retryAfter(header: "Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(RetryPolicy.retryAfter(header: nil) == nil)
    }

    @Test func tokenBucketAllowsBurstThenPacesAtQPS() {
        var bucket = TokenBucket(qps: 5, burst: 10)
        let waits = (0..<12).map { _ in bucket.reserve(now: .zero) }
        #expect(waits.prefix(10).allSatisfy { $0 == .zero })
        #expect(waits[10] == .milliseconds(200))
        #expect(waits[11] == .milliseconds(400))
    }

    @Test func tokenBucketRefillsOverTimeButNotBeyondBurst() {
        var bucket = TokenBucket(qps: 2, burst: 3)
        for _ in 0..<3 { _ = bucket.reserve(now: .zero) }
        #expect(bucket.reserve(now: .seconds(1)) == .zero)  // two tokens came back, one used
        #expect(bucket.available(now: .seconds(100)) == 3)
    }

    @Test func zeroQPSMeansUnlimited() {
        var bucket = TokenBucket(qps: 0, burst: 1)
        #expect((0..<100).allSatisfy { _ in bucket.reserve(now: .zero) == .zero })
    }

    @Test func rateLimiterSleepsOnTheInjectedClock() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(qps: 10, burst: 2, clock: clock.kubeClock)
        for _ in 0..<4 { try await limiter.acquire() }
        #expect(clock.sleeps == [.milliseconds(100), .milliseconds(100)])
    }
}
