// The seam every provider plugs into.
import Foundation
import RegcredCore

/// Fetches fresh credentials from one provider. One call is one token request round (one per
/// ECR region); callers share the result across every namespace it serves.
public protocol CredentialSource: Sendable {
    /// What the source is, for logs and status ("ecr us-east-1, eu-west-1"); never secret.
    var summary: String { get }
    /// Fresh credentials, or a `CredentialSourceError` that says what to fix. Never returns empty
    /// or partial material: a source that got some tokens but not all throws.
    func fetch() async throws(CredentialSourceError) -> CredentialMaterial
}

/// Why a provider gave no credentials. Messages carry no secret material (tokens, keys,
/// signatures): they are shown in status conditions, events and logs.
public struct CredentialSourceError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The spec or the local configuration cannot work (missing key, bad PEM, no credentials in the chain).
        case misconfigured
        /// A Secret the source reads is missing or lacks a key.
        case secretMissing
        /// The provider could not be reached (DNS, connect, TLS, timeout).
        case unreachable
        /// The provider refused the credentials (401/403, invalid_grant, signature mismatch).
        case rejected
        /// The provider answered something we cannot use (5xx, malformed body).
        case providerError
    }

    public var kind: Kind
    /// The provider, e.g. "ecr", "sts", "gcp", "acr", "github".
    public var provider: String
    public var message: String

    public init(_ kind: Kind, provider: String, _ message: String) {
        self.kind = kind
        self.provider = provider
        self.message = message
    }

    public var description: String { "\(provider): \(message)" }

    /// Worth retrying soon (the provider may come back); misconfiguration waits for a spec or secret change.
    public var isTransient: Bool { kind == .unreachable || kind == .providerError }
}

/// Reads a Secret's data by name from the controller's namespace (the controller's informer
/// cache), or from local files (the CLI). Returns nil when the Secret does not exist.
public typealias SourceSecrets = @Sendable (_ name: String) async -> [String: Data]?
