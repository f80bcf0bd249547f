// How a failure is classified, so the CLI maps it to a documented exit code.
import RegcredCore

/// The kinds of failure a script can tell apart by exit code (README, "Exit codes"; the CLI's ExitStatus).
public enum FailureKind: Sendable, CaseIterable {
    /// The command was asked for something impossible: bad flags, an unknown profile.
    case usage
    /// The input was read but is not what it should be: malformed JSON/YAML, not a pull secret.
    case invalidInput
    /// An input file or variable does not exist or cannot be read.
    case missingInput
    /// A tool regcred needs is not installed or refused (gpg).
    case unavailable
    /// The output could not be written.
    case cannotWrite
    /// The command ran, and what it checked is not in order (a broken entry, no matching entry).
    case checkFailed
    /// The cluster refused: Forbidden or Unauthorized.
    case permissionDenied
    /// Someone else kept changing the object; trying again later may work.
    case temporaryFailure
    /// The kubeconfig or in-cluster configuration is unusable.
    case configuration
}

/// An error whose message a user can act on, with its failure kind.
public protocol UserFacingError: Error, CustomStringConvertible {
    var kind: FailureKind { get }
}

extension DockerConfigError: UserFacingError {
    public var kind: FailureKind { .invalidInput }
}

extension PullSecretDocumentError: UserFacingError {
    public var kind: FailureKind { .invalidInput }
}

extension ProfileLookupError: UserFacingError {
    public var kind: FailureKind { .usage }
}

extension ProfileFileError: UserFacingError {
    public var kind: FailureKind { .invalidInput }
}

extension ImageReferenceError: UserFacingError {
    public var kind: FailureKind { .usage }
}

/// A check that ran and found a problem; the report has already been printed.
public struct CheckFailed: UserFacingError {
    public let summary: String
    public init(_ summary: String) { self.summary = summary }
    public var kind: FailureKind { .checkFailed }
    public var description: String { summary }
}
