// KubeClock: the passing of time as the client sees it (now, sleep, randomness for jitter),
// injected so that rate limiting, retries and watch backoff are tested without waiting.

public struct KubeClock: Sendable {
    /// Monotonic time since an arbitrary origin.
    public var now: @Sendable () -> Duration
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A uniformly distributed value in [0, 1), for jitter.
    public var random: @Sendable () -> Double

    public init(now: @escaping @Sendable () -> Duration, sleep: @escaping @Sendable (Duration) async throws -> Void,
                random: @escaping @Sendable () -> Double) {
        self.now = now
        self.sleep = sleep
        self.random = random
    }

    public static let live: KubeClock = {
        let origin = ContinuousClock.now
        return KubeClock(
            now: { ContinuousClock.now - origin },
            sleep: { duration in if duration > .zero { try await Task.sleep(for: duration) } },
            random: { Double.random(in: 0..<1) })
    }()
}
