// LeaseDecision: the pure half of leader election. It remembers the lease record this replica
// last observed and *when it observed it change* on its own monotonic clock, and from that
// decides: may the lease be taken, what to write (create, renew, take over, release), when to
// give up leading and how long to wait between attempts. No I/O and no clock reads: LeaseElector
// feeds it reads, writes and the time, and carries out its answers.
//
// As in client-go, the server's timestamps (renewTime, acquireTime) are written but never
// trusted for expiry: a record is expired when `leaseDurationSeconds` has passed on *our* clock
// since we last saw the record change. This tolerates clock skew between nodes (not skew rate).
import Foundation
import KubernetesClient

public struct LeaseDecision: Sendable, Equatable {
    public let identity: String
    public let leaseDuration: Duration
    public let renewDeadline: Duration
    public let retryPeriod: Duration

    /// The record last read or written; nil when the lease was absent or never read.
    public private(set) var observed: LeaseSpec?
    /// Monotonic time at which `observed` was last seen to change (or was written by us).
    public private(set) var observedAt: Duration?

    public init(identity: String, leaseDuration: Duration, renewDeadline: Duration, retryPeriod: Duration) {
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
    }

    public init(config: LeaderElectionConfig) {
        self.init(identity: config.identity, leaseDuration: config.leaseDuration,
                  renewDeadline: config.renewDeadline, retryPeriod: config.retryPeriod)
    }

    /// What to do after reading the lease.
    public enum Step: Sendable, Equatable {
        /// The lease does not exist: create it with this spec (AlreadyExists: another replica won).
        case create(LeaseSpec)
        /// Write this spec with the read resourceVersion: a renewal when we hold the lease, a
        /// takeover when it is free or expired (Conflict: another replica won).
        case update(LeaseSpec)
        /// Someone else holds a lease that has not expired by our observation.
        case wait(holder: String)
    }

    // MARK: observations

    /// Records a read of the lease (`nil`: it does not exist). The observation time moves only
    /// when the record differs from the one observed before: an unchanged record keeps aging.
    public mutating func observe(_ spec: LeaseSpec?, at now: Duration) {
        guard let spec else {
            observed = nil
            observedAt = nil
            return
        }
        if spec != observed {
            observed = spec
            observedAt = now
        }
    }

    /// Records a spec we wrote successfully (as the server returned it).
    public mutating func recordWrite(_ spec: LeaseSpec, at now: Duration) {
        observed = spec
        observedAt = now
    }

    // MARK: questions

    /// The holder of the observed record; nil when there is none or it is empty (released).
    public var holder: String? {
        guard let holder = observed?.holderIdentity, !holder.isEmpty else { return nil }
        return holder
    }

    /// The observed record names this replica (client-go's IsLeader).
    public var isHeldByUs: Bool { holder == identity }

    /// The observed record has not changed for `leaseDurationSeconds` of our own time.
    public func isExpired(at now: Duration) -> Bool {
        guard let observed, let observedAt else { return true }
        return observedAt + .seconds(observed.leaseDurationSeconds ?? 0) <= now
    }

    /// The answer to the last read: create, write (renew or take over), or wait.
    public func step(at now: Duration, wallClock: Date) -> Step {
        guard observed != nil else { return .create(freshSpec(wallClock: wallClock)) }
        if let holder, holder != identity, !isExpired(at: now) {
            return .wait(holder: holder)
        }
        return .update(nextSpec(wallClock: wallClock))
    }

    /// The spec of an optimistic renewal without reading first (client-go's fast path): allowed
    /// while we hold the lease and it has not expired by our clock.
    public func renewal(at now: Duration, wallClock: Date) -> LeaseSpec? {
        guard isHeldByUs, !isExpired(at: now) else { return nil }
        return nextSpec(wallClock: wallClock)
    }

    /// The spec that releases the lease on shutdown (client-go's ReleaseOnCancel): empty holder,
    /// a 1 s duration, transitions kept. Nil when we do not hold it: nothing to release.
    public func release(wallClock: Date) -> LeaseSpec? {
        guard isHeldByUs, var spec = observed else { return nil }
        let now = MicroTime(wallClock)
        spec.holderIdentity = ""
        spec.leaseDurationSeconds = 1
        spec.acquireTime = now
        spec.renewTime = now
        spec.leaseTransitions = observed?.leaseTransitions ?? 0
        return spec
    }

    /// A leader whose last successful renewal was *sent* at `lastRenewal` stops leading once
    /// `renewDeadline` has passed without another. Counting from the send (not the answer, and
    /// not the start of the retry round as client-go does) keeps the leader's give-up strictly
    /// before any other replica's expiry, which is counted from a read after our write landed.
    public func shouldGiveUp(lastRenewal: Duration, at now: Duration) -> Bool {
        now - lastRenewal >= renewDeadline
    }

    /// Time left to renew before giving up.
    public func renewTimeLeft(lastRenewal: Duration, at now: Duration) -> Duration {
        lastRenewal + renewDeadline - now
    }

    /// Wait between acquire attempts: retryPeriod × (1 + 1.2 × random), random in [0, 1)
    /// (client-go's wait.JitterUntil with JitterFactor 1.2), so that replicas do not move in step.
    public func acquireRetryDelay(random: Double) -> Duration {
        retryPeriod + retryPeriod * (LeaderElectionConfig.jitterFactor * min(max(random, 0), 1))
    }

    // MARK: specs

    /// Whole seconds, as the Lease stores them (client-go truncates too), at least 1.
    public var leaseDurationSeconds: Int {
        max(1, Int(leaseDuration.components.seconds))
    }

    private func freshSpec(wallClock: Date) -> LeaseSpec {
        let now = MicroTime(wallClock)
        return LeaseSpec(holderIdentity: identity, leaseDurationSeconds: leaseDurationSeconds,
                         acquireTime: now, renewTime: now, leaseTransitions: 0)
    }

    /// Renewal keeps acquireTime and leaseTransitions; a takeover sets acquireTime and counts
    /// one more transition. Fields we do not model (strategy, preferredHolder) are kept.
    private func nextSpec(wallClock: Date) -> LeaseSpec {
        let now = MicroTime(wallClock)
        var spec = observed ?? LeaseSpec()
        let transitions = observed?.leaseTransitions ?? 0
        if isHeldByUs {
            spec.acquireTime = observed?.acquireTime ?? now
            spec.leaseTransitions = transitions
        } else {
            spec.acquireTime = now
            spec.leaseTransitions = transitions + 1
        }
        spec.holderIdentity = identity
        spec.leaseDurationSeconds = leaseDurationSeconds
        spec.renewTime = now
        return spec
    }
}
