// When to fetch a credential again: from its real expiry, never on a fixed loop.
import Foundation

public struct RefreshSchedule: Hashable, Sendable {
    /// Refresh when this much lifetime is left (`spec.refresh.before`).
    public var before: Duration
    /// Re-read period for credentials without an expiry (`spec.refresh.interval`).
    public var interval: Duration
    /// Fraction of the wait taken off at random, so many sources do not refresh in lockstep.
    public var jitter: Double
    /// Expiries further away than this are not believed.
    public var maximumLifetime: Duration

    public init(
        before: Duration = .seconds(30 * 60), interval: Duration = .seconds(60 * 60), jitter: Double = 0.1,
        maximumLifetime: Duration = .seconds(400 * 24 * 3600)
    ) {
        self.before = before
        self.interval = interval
        self.jitter = jitter
        self.maximumLifetime = maximumLifetime
    }

    public struct Decision: Hashable, Sendable {
        public var refreshAt: Date
        /// Set when the provider's expiry could not be used, to be logged and shown.
        public var warning: String?
    }

    /// The next refresh for a credential obtained at `obtainedAt`: when `before` is left or half
    /// the lifetime has passed, whichever comes first, minus up to `jitter` of the wait (never
    /// later). `random` is in [0, 1).
    public func next(obtainedAt: Date, expiresAt: Date?, random: Double) -> Decision {
        let intervalSeconds = interval.timeInterval
        guard let expiresAt else {
            return Decision(refreshAt: obtainedAt.addingTimeInterval(jittered(intervalSeconds, random)), warning: nil)
        }
        let lifetime = expiresAt.timeIntervalSince(obtainedAt)
        if lifetime <= 0 {
            return Decision(
                refreshAt: obtainedAt.addingTimeInterval(jittered(intervalSeconds, random)),
                warning: "the provider reported an expiry in the past (\(RFC3339.format(expiresAt))); refreshing on the interval instead")
        }
        if lifetime > maximumLifetime.timeInterval {
            return Decision(
                refreshAt: obtainedAt.addingTimeInterval(jittered(intervalSeconds, random)),
                warning: "the provider reported an expiry implausibly far away (\(RFC3339.format(expiresAt))); refreshing on the interval instead")
        }
        let wait = max(0, min(lifetime - before.timeInterval, lifetime / 2))
        return Decision(refreshAt: obtainedAt.addingTimeInterval(jittered(wait, random)), warning: nil)
    }

    private func jittered(_ wait: TimeInterval, _ random: Double) -> TimeInterval {
        wait - wait * jitter * min(max(random, 0), 1)
    }
}
