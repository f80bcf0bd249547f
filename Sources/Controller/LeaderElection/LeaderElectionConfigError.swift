// LeaderElectionConfigError: a leader election configuration that cannot work, said so that
// the operator knows which flag to change.

public enum LeaderElectionConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyIdentity
    case missingLease
    case nonPositive(String)
    case leaseDurationBelowOneSecond(Duration)
    case leaseDurationNotAboveRenewDeadline(Duration, Duration)
    case renewDeadlineNotAboveJitteredRetry(Duration, Duration)

    public var description: String {
        switch self {
        case .emptyIdentity:
            "leader election needs a non-empty identity for this replica"
        case .missingLease:
            "leader election needs the namespace and name of its Lease"
        case .nonPositive(let field):
            "leader election \(field) must be greater than zero"
        case .leaseDurationBelowOneSecond(let duration):
            "leader election lease duration \(duration) is below 1 s; the Lease stores whole seconds"
        case .leaseDurationNotAboveRenewDeadline(let lease, let renew):
            "leader election lease duration (\(lease)) must be greater than the renew deadline (\(renew))"
        case .renewDeadlineNotAboveJitteredRetry(let renew, let retry):
            "leader election renew deadline (\(renew)) must be greater than 1.2 × the retry period (\(retry))"
        }
    }
}
