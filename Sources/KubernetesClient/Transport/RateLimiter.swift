// RateLimiter: the client-side limit on request rate (client-go's QPS/burst), an actor around
// a TokenBucket that sleeps on the injected clock. Watches bypass it, as in client-go.

public actor RateLimiter {
    private var bucket: TokenBucket
    private let clock: KubeClock

    public init(qps: Double, burst: Int, clock: KubeClock = .live) {
        self.bucket = TokenBucket(qps: qps, burst: burst)
        self.clock = clock
    }

    /// Waits until the caller may send one request.
    public func acquire() async throws {
        let wait = bucket.reserve(now: clock.now())
        if wait > .zero { try await clock.sleep(wait) }
    }
}
