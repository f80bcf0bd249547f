// One registry's credentials inside a docker config, with every field it was read with.
import Foundation

public struct DockerConfigEntry: Hashable, Sendable {
    public var username: String?
    public var password: String?
    public var email: String?
    public var auth: String?
    public var identityToken: String?
    /// Fields we do not model (`registrytoken`, `serveraddress`, …), kept so a rewrite loses nothing.
    public var additionalFields: [String: JSONValue]

    public init(
        username: String? = nil, password: String? = nil, email: String? = nil, auth: String? = nil,
        identityToken: String? = nil, additionalFields: [String: JSONValue] = [:]
    ) {
        self.username = username
        self.password = password
        self.email = email
        self.auth = auth
        self.identityToken = identityToken
        self.additionalFields = additionalFields
    }

    /// An entry as `kubectl create secret docker-registry` writes it: username, password,
    /// the derived auth, and email only when one is given.
    public static func basic(username: String, password: String, email: String? = nil) -> DockerConfigEntry {
        DockerConfigEntry(
            username: username, password: password, email: email.flatMap { $0.isEmpty ? nil : $0 },
            auth: BasicAuthField.encode(username: username, password: password))
    }

    /// The credentials the kubelet uses: a non-empty `auth` wins over the username and password fields.
    public var effectiveCredentials: (username: String, password: String)? {
        if let auth, !auth.isEmpty {
            if case .credentials(let user, let pass) = BasicAuthField.decode(auth) { return (user, pass) }
            return nil
        }
        guard username != nil || password != nil else { return nil }
        return (username ?? "", password ?? "")
    }

    /// Whether `auth` agrees with the other fields, and whether the kubelet can read it at all.
    public var authCheck: AuthCheck {
        guard let auth, !auth.isEmpty else {
            if username == nil && password == nil {
                return identityToken == nil ? .noCredentials : .identityTokenOnly
            }
            return .missing
        }
        switch BasicAuthField.decode(auth) {
        case .undecodable: return .undecodable
        case .missingSeparator: return .missingSeparator
        case .credentials(let user, let pass):
            if let username, username != user { return .mismatch(.username) }
            if let password, password != pass { return .mismatch(.password) }
            return .ok
        }
    }

    /// Sets new credentials and recomputes `auth`, leaving every other field as it was.
    public mutating func setCredentials(username: String, password: String) {
        self.username = username
        self.password = password
        self.auth = BasicAuthField.encode(username: username, password: password)
    }
}

/// The verdict on an entry's `auth` field, as `show` reports it.
public enum AuthCheck: Hashable, Sendable, CustomStringConvertible {
    /// `auth` decodes and agrees with username and password (or stands alone).
    case ok
    /// No `auth`; the kubelet uses the username and password fields.
    case missing
    /// `auth` decodes but disagrees with the named field, which the kubelet ignores.
    case mismatch(Field)
    /// `auth` is not base64: the kubelet rejects the whole secret, failing every pull that uses it.
    case undecodable
    /// `auth` decodes but has no `:`: the kubelet rejects the whole secret.
    case missingSeparator
    /// Only an identity token (a registry refresh token); the kubelet does not use it.
    case identityTokenOnly
    /// No credentials at all.
    case noCredentials

    public enum Field: String, Hashable, Sendable { case username, password }

    /// True when the kubelet refuses the whole document because of this entry.
    public var breaksWholeSecret: Bool { self == .undecodable || self == .missingSeparator }

    /// True when the entry does not give the credentials its fields suggest.
    public var isProblem: Bool {
        switch self {
        case .ok, .missing: false
        default: true
        }
    }

    public var label: String {
        switch self {
        case .ok: "ok"
        case .missing: "missing"
        case .mismatch: "mismatch"
        case .undecodable: "undecodable"
        case .missingSeparator: "no-colon"
        case .identityTokenOnly: "identity-token"
        case .noCredentials: "empty"
        }
    }

    public var description: String {
        switch self {
        case .ok: "auth matches username and password"
        case .missing: "no auth field; the kubelet uses username and password"
        case .mismatch(let field):
            "auth disagrees with the \(field.rawValue) field; the kubelet uses auth, so the \(field.rawValue) field is ignored (run `regcred update` to recompute auth)"
        case .undecodable:
            "auth is not valid base64; the kubelet rejects the whole secret, so every pull using it fails"
        case .missingSeparator:
            "auth does not decode to username:password (no ':'); the kubelet rejects the whole secret"
        case .identityTokenOnly: "only an identity token; the kubelet does not use identity tokens"
        case .noCredentials: "no username, password or auth"
        }
    }
}
