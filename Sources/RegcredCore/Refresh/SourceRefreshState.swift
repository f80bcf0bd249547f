// SourceRefreshState: when a ClusterPullSecret's source is asked for a token, and what is served
// meanwhile. A pure state machine (time and randomness are passed in) kept apart from the I/O
// that fetches, so every refresh point, retry and fallback is tested without a clock or network.
import Foundation

public struct SourceRefreshState: Sendable {
    public struct Good: Hashable, Sendable {
        public var material: CredentialMaterial
        public var obtainedAt: Date
        public var expiresAt: Date?
        public var refreshAt: Date
    }

    public struct Failure: Hashable, Sendable {
        /// Consecutive failed fetches.
        public var count: Int
        public var reason: String
        public var message: String
        public var retryAt: Date
    }

    public var schedule: RefreshSchedule
    public var retry: TokenRetryPolicy
    public private(set) var lastGood: Good?
    public private(set) var failure: Failure?

    public init(schedule: RefreshSchedule, retry: TokenRetryPolicy) {
        self.schedule = schedule
        self.retry = retry
    }

    public enum Decision: Hashable, Sendable {
        /// Ask the provider now.
        case fetch
        /// Nothing to ask until `until`; serve what we have.
        case wait(until: Date)
    }

    /// Whether to call the provider at `now`: when there is nothing good yet (and no retry is
    /// pending), when the refresh point has come, or when a pending retry is due.
    public func decide(now: Date) -> Decision {
        if let failure {
            return now >= failure.retryAt ? .fetch : .wait(until: failure.retryAt)
        }
        guard let lastGood else { return .fetch }
        return now >= lastGood.refreshAt ? .fetch : .wait(until: lastGood.refreshAt)
    }

    /// Records fresh material; returns the schedule's warning, if the provider's expiry was unusable.
    @discardableResult
    public mutating func succeeded(_ material: CredentialMaterial, now: Date, random: Double) -> String? {
        let expiresAt = material.expiresAt
        let decision = schedule.next(obtainedAt: now, expiresAt: expiresAt, random: random)
        lastGood = Good(material: material, obtainedAt: now, expiresAt: expiresAt, refreshAt: decision.refreshAt)
        failure = nil
        return decision.warning
    }

    /// Records a failed fetch and schedules the next attempt by the retry policy. The last good
    /// material is kept: a failure never replaces a working credential.
    public mutating func failed(reason: String, message: String, now: Date, random: Double) {
        let count = (failure?.count ?? 0) + 1
        let delay = retry.delay(beforeRetry: count - 1, random: random)
        failure = Failure(count: count, reason: reason, message: message, retryAt: now.addingTimeInterval(delay.timeInterval))
    }

    /// The material to write at `now`: the last good one while it has not expired, else nothing.
    public func servable(now: Date) -> CredentialMaterial? {
        guard let lastGood else { return nil }
        if let expiresAt = lastGood.expiresAt, expiresAt <= now { return nil }
        return lastGood.material
    }

    /// What the status says about the source. Failures within the retry budget are not reported
    /// yet while a good credential is still served (a blip is not an outage).
    public func sourceState(now: Date) -> SourceState {
        if let failure, failure.count > retry.retries || servable(now: now) == nil {
            return .unavailable(reason: failure.reason, message: failure.message)
        }
        guard let lastGood else {
            return .unavailable(reason: "SourcePending", message: "the credential has not been fetched yet")
        }
        return .available(expiresAt: lastGood.expiresAt, refreshedAt: lastGood.obtainedAt)
    }

    /// When the controller should look again: the refresh point or the pending retry.
    public var nextWake: Date? {
        failure?.retryAt ?? lastGood?.refreshAt
    }
}
