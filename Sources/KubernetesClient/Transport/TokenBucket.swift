// TokenBucket: the rate limiter's arithmetic as a value: `burst` tokens refilled at `qps` per
// second; each request reserves one and learns how long to wait for it. Reservations may run
// the bucket negative, so waiters are served in order without a queue.
import RegcredCore

public struct TokenBucket: Sendable, Equatable {
    public let qps: Double
    public let burst: Int
    private var tokens: Double
    private var last: Duration?

    public init(qps: Double, burst: Int) {
        self.qps = qps
        self.burst = max(1, burst)
        self.tokens = Double(max(1, burst))
    }

    /// Takes one token at time `now` and returns how long the caller must wait before using it
    /// (zero when a token was available). qps ≤ 0 means unlimited.
    public mutating func reserve(now: Duration) -> Duration {
        guard qps > 0 else { return .zero }
        refill(now: now)
        tokens -= 1
        if tokens >= 0 { return .zero }
        return .nanoseconds(Int64((-tokens / qps) * 1e9))
    }

    /// Tokens available at `now` (negative while reservations are outstanding).
    public mutating func available(now: Duration) -> Double {
        refill(now: now)
        return tokens
    }

    private mutating func refill(now: Duration) {
        guard let previous = last else {
            last = now
            return
        }
        // A clock that steps back adds nothing; the bucket waits for time to pass `previous`.
        guard now > previous else { return }
        tokens = min(Double(burst), tokens + (now - previous).timeInterval * qps)
        last = now
    }
}
