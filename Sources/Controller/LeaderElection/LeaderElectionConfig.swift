// LeaderElectionConfig: which Lease the replicas compete for, who this replica is, and the
// three durations of client-go's leader election (defaults 15 s / 10 s / 2 s), validated as
// client-go validates them.
import Foundation

public struct LeaderElectionConfig: Sendable, Equatable {
    /// Namespace of the Lease (the controller's own namespace).
    public var namespace: String
    /// Name of the Lease, e.g. `regcred-controller`.
    public var name: String
    /// This replica's identity, written as `holderIdentity`; unique per process.
    public var identity: String
    /// How long the other replicas wait, after they last saw the lease change, before taking it.
    public var leaseDuration: Duration
    /// How long the leader keeps trying to renew before it gives up leading.
    public var renewDeadline: Duration
    /// Time between attempts (acquire: jittered by up to 1.2×; renew: exact).
    public var retryPeriod: Duration
    /// On shutdown, write an empty holder and a 1 s duration so that another replica takes
    /// over at once (client-go's ReleaseOnCancel). Turn off only to simulate a crash.
    public var releaseOnCancel: Bool

    public init(namespace: String, name: String, identity: String,
                leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
                retryPeriod: Duration = .seconds(2), releaseOnCancel: Bool = true) {
        self.namespace = namespace
        self.name = name
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.releaseOnCancel = releaseOnCancel
    }

    /// client-go's jitter factor: acquire attempts wait retryPeriod × (1 + 1.2 × random).
    public static let jitterFactor = 1.2

    /// The rules of client-go's NewLeaderElector, plus whole seconds for the lease duration
    /// (the Lease stores `leaseDurationSeconds` as an integer).
    public func validate() throws(LeaderElectionConfigError) {
        if identity.isEmpty { throw .emptyIdentity }
        if namespace.isEmpty || name.isEmpty { throw .missingLease }
        if retryPeriod <= .zero { throw .nonPositive("retryPeriod") }
        if renewDeadline <= .zero { throw .nonPositive("renewDeadline") }
        if leaseDuration < .seconds(1) { throw .leaseDurationBelowOneSecond(leaseDuration) }
        if leaseDuration <= renewDeadline { throw .leaseDurationNotAboveRenewDeadline(leaseDuration, renewDeadline) }
        if renewDeadline <= retryPeriod * Self.jitterFactor {
            throw .renewDeadlineNotAboveJitteredRetry(renewDeadline, retryPeriod)
        }
    }

    /// `POD_NAME` (from the downward API) or the host name, plus a random suffix, as client-go
    /// callers do (`hostname_uuid`): a restarted pod must not be mistaken for its predecessor.
    public static func defaultIdentity(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["POD_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? ProcessInfo.processInfo.hostName
        return "\(base)_\(UUID().uuidString.lowercased())"
    }
}
