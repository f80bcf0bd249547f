// What a registry said about one credential: a typed verdict whose description never carries a
// password or token, so it can go straight into tables, statuses and events.

/// How the probe got in.
public enum AuthScheme: String, Sendable, Hashable, Codable {
    case anonymous, basic, bearer
}

public enum ProbeResult: Sendable, Hashable, CustomStringConvertible {
    /// The registry accepted the credential (or needed none) and, when an image was given, its manifest exists.
    case ok(scheme: AuthScheme)
    /// No HTTP answer: DNS, refused connection, timeout.
    case unreachable(String)
    /// The TLS handshake failed: untrusted or mismatched certificate, or the server speaks plain HTTP.
    case tlsFailure(String)
    /// The registry (or its token service) refused the username and password.
    case credentialsRejected
    /// The registry refuses anonymous access and the entry carries no credentials.
    case credentialsRequired
    /// The credential is valid but may not pull from this repository.
    case noPullPermission(repository: String)
    /// The manifest does not exist (HTTP 404 for the image's tag or digest).
    case notFound(image: String)
    /// An HTTP status the handshake does not expect at that step.
    case unexpected(status: Int, detail: String)
    /// The registry's answer could not be read (a malformed challenge, a token response without a token).
    case protocolError(String)
    /// The docker config key names no registry the probe can contact.
    case invalidRegistryKey(String)

    public var isSuccess: Bool {
        if case .ok = self { return true }
        return false
    }

    /// A short word for tables and JSON.
    public var label: String {
        switch self {
        case .ok: "ok"
        case .unreachable: "unreachable"
        case .tlsFailure: "tls-failure"
        case .credentialsRejected: "rejected"
        case .credentialsRequired: "credentials-required"
        case .noPullPermission: "no-pull-permission"
        case .notFound: "not-found"
        case .unexpected: "unexpected"
        case .protocolError: "protocol-error"
        case .invalidRegistryKey: "invalid-key"
        }
    }

    public var description: String {
        switch self {
        case .ok(let scheme):
            switch scheme {
            case .anonymous: "the registry allows anonymous access"
            case .basic: "credentials accepted (basic auth)"
            case .bearer: "credentials accepted (bearer token)"
            }
        case .unreachable(let detail):
            "cannot reach the registry: \(detail)"
        case .tlsFailure(let detail):
            "TLS handshake failed: \(detail); trust the registry's CA with --ca-file, or allow it with --insecure-registry"
        case .credentialsRejected:
            "the registry rejected the credentials; check the username and password (or mint a new token and run `regcred update`)"
        case .credentialsRequired:
            "the registry refuses anonymous access and the entry has no username and password"
        case .noPullPermission(let repository):
            "the credentials are valid but may not pull \(repository)"
        case .notFound(let image):
            "\(image) does not exist on the registry (manifest not found)"
        case .unexpected(let status, let detail):
            "unexpected HTTP \(status) \(detail)"
        case .protocolError(let detail):
            detail
        case .invalidRegistryKey(let reason):
            "not a registry the probe can contact: \(reason)"
        }
    }
}
