// What one reconcile of a ClusterPullSecret achieved, and the status it leads to (pure).
import Foundation

public struct SyncResult: Hashable, Sendable {
    /// Namespaces the ClusterPullSecret selects (not excluded, not terminating).
    public var targeted: Int = 0
    /// Selected namespaces whose secret and service accounts are as desired.
    public var synced: Int = 0
    /// Selected namespaces that hold regcred's secret from an earlier credential while the
    /// source gives none.
    public var holding: Int = 0
    /// Namespaces that could not be served, with why (in namespace order).
    public var failures: [NamespaceFailure] = []
    /// Writes done this pass, for events.
    public var created = 0
    public var updated = 0
    public var deleted = 0
    public var attached = 0
    public var detached = 0

    public init() {}

    public var wroteAnything: Bool { created + updated + deleted + attached + detached > 0 }
}

/// Whether the credential source produced something usable, and if not, why.
public enum SourceState: Hashable, Sendable {
    /// `refreshedAt` is when a token source last minted the credential (nil for static sources,
    /// which are read, not minted).
    case available(expiresAt: Date?, refreshedAt: Date? = nil)
    case unavailable(reason: String, message: String)

    public var isUnavailable: Bool {
        if case .unavailable = self { return true }
        return false
    }
}

public enum StatusComputation {
    /// How many failures the status lists by name; the counts cover the rest.
    public static let listedFailures = 5

    /// The status after a reconcile. `lastSyncTime` moves only when something was written or
    /// the status changed otherwise, so an idle controller does not write status every pass.
    public static func status(
        from previous: ClusterPullSecretStatus?, generation: Int64?, source: SourceState, result: SyncResult,
        verification: VerificationReport? = nil, now: Date
    ) -> ClusterPullSecretStatus {
        var status = previous ?? ClusterPullSecretStatus()
        status.observedGeneration = generation
        if let verification {
            status.setCondition(
                "Verified", status: verification.passed ? .true : .false, reason: verification.reason, message: verification.message,
                generation: generation, now: now)
            if verification.passed {
                status.lastVerifiedTime = RFC3339.format(verification.checkedAt)
                status.verifiedRegistries = verification.checks.map(\.registry)
            }
        } else {
            status.conditions?.removeAll { $0.type == "Verified" }
        }
        switch source {
        case .available(let expiresAt, let refreshedAt):
            status.setCondition("SourceAvailable", status: .true, reason: "CredentialRead", message: "the source produced a credential", generation: generation, now: now)
            status.expiresAt = expiresAt.map(RFC3339.format)
            status.lastRefreshTime = refreshedAt.map(RFC3339.format)
        case .unavailable(let reason, let message):
            status.setCondition("SourceAvailable", status: .false, reason: reason, message: message, generation: generation, now: now)
        }
        let failed = result.failures.count
        let counts = NamespaceCounts(
            targeted: result.targeted, synced: result.synced, failed: failed,
            failures: failed == 0 ? nil : Array(result.failures.prefix(listedFailures)))
        status.namespaces = counts
        let ready: (StatusCondition.Status, String, String)
        if case .unavailable(let reason, _) = source {
            let inPlace = result.synced + result.holding
            ready = (.false, reason, "the credential source is unavailable; \(inPlace)/\(result.targeted) namespaces hold a pull secret from the last good credential")
        } else if failed > 0 {
            ready = (.false, "NamespacesFailed", "\(failed) of \(result.targeted) namespaces failed; first: \(result.failures[0].namespace): \(result.failures[0].reason)")
        } else if result.targeted == 0 {
            ready = (.true, "NoNamespacesSelected", "no namespace matches spec.namespaces; nothing to do until one does")
        } else if result.synced < result.targeted {
            ready = (.false, "Syncing", "\(result.synced)/\(result.targeted) namespaces synced")
        } else {
            ready = (.true, "Synced", "\(result.synced)/\(result.targeted) namespaces synced")
        }
        status.setCondition("Ready", status: ready.0, reason: ready.1, message: ready.2, generation: generation, now: now)
        var unchanged = status
        unchanged.lastSyncTime = previous?.lastSyncTime
        if result.wroteAnything || unchanged != previous || status.lastSyncTime == nil {
            status.lastSyncTime = RFC3339.format(now)
        }
        return status
    }

    /// The status of a ClusterPullSecret whose secrets the controller may not read or write.
    public static func forbidden(from previous: ClusterPullSecretStatus?, generation: Int64?, message: String, now: Date) -> ClusterPullSecretStatus {
        var status = previous ?? ClusterPullSecretStatus()
        status.observedGeneration = generation
        status.setCondition("Ready", status: .false, reason: "Forbidden", message: message, generation: generation, now: now)
        return status
    }

    /// The status of a spec that cannot be served.
    public static func invalid(from previous: ClusterPullSecretStatus?, generation: Int64?, problem: InvalidSpec, now: Date) -> ClusterPullSecretStatus {
        var status = previous ?? ClusterPullSecretStatus()
        status.observedGeneration = generation
        status.setCondition("Ready", status: .false, reason: "InvalidSpec", message: problem.description, generation: generation, now: now)
        return status
    }
}
