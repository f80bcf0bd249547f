// Backoff: capped exponential delays with jitter, as a pure function of the attempt number
// and a random draw (so tests pick the draw).
import RegcredCore

public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// Fraction of the delay that is randomised: 0.5 spreads delays over [50 %, 100 %] of the step.
    public var jitter: Double

    public init(initial: Duration = .milliseconds(200), maximum: Duration = .seconds(10), multiplier: Double = 2, jitter: Double = 0.5) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// The delay before retry number `retry` (1 for the first retry). `random` is in [0, 1).
    /// Jitter only shortens a delay, so the cap holds and many clients do not retry in step.
    public func delay(retry: Int, random: Double) -> Duration {
        let steps = max(0, retry - 1)
        let initialSeconds = initial.timeInterval
        let maximumSeconds = maximum.timeInterval
        var seconds = initialSeconds
        for _ in 0..<min(steps, 64) where seconds < maximumSeconds { seconds *= multiplier }
        seconds = min(seconds, maximumSeconds)
        let spread = max(0, min(1, jitter))
        seconds *= (1 - spread) + spread * max(0, min(1, random))
        return .nanoseconds(Int64(seconds * 1e9))
    }
}
