// Credential: what a credential source produces, and how it becomes the bytes of a pull secret.
import Foundation

/// A username and password (or token) for registries, with the expiry when the source knows it.
public struct Credential: Hashable, Sendable {
    public var username: String
    public var password: Redacted<String>
    public var expiresAt: Date?
    /// Hosts the source says it serves (ECR registry hosts, say); nil leaves the choice to the
    /// ClusterPullSecret's registries.
    public var registries: [String]?
    /// What the source corrected while reading it, for a warning (never carries the secret).
    public var notes: [String]

    public init(username: String, password: Redacted<String>, expiresAt: Date? = nil, registries: [String]? = nil, notes: [String] = []) {
        self.username = username
        self.password = password
        self.expiresAt = expiresAt
        self.registries = registries
        self.notes = notes
    }
}

/// What a source hands the controller: credentials for hosts (several when a source mints one
/// token per registry, as ECR does per region), or a complete docker config (a static source
/// Secret that already holds a `.dockerconfigjson`).
public enum CredentialMaterial: Hashable, Sendable {
    case credentials([Credential])
    case dockerConfig(DockerConfig)

    /// One credential for every host.
    public static func basic(_ credential: Credential) -> CredentialMaterial { .credentials([credential]) }

    /// The `.dockerconfigjson` to write. Each credential gets an entry per host it names; the
    /// ClusterPullSecret's registries that no credential names get the first credential. A
    /// docker config is written as it is, re-encoded deterministically.
    public func pullSecretContent(registries: [String]) throws(DockerConfigError) -> Data {
        switch self {
        case .dockerConfig(let config):
            var normalised = config
            normalised.format = .dockerConfigJSON
            return normalised.encoded()
        case .credentials(let credentials):
            guard let first = credentials.first else { throw .emptyPassword }
            var config = DockerConfig(format: .dockerConfigJSON)
            for credential in credentials {
                let own = try DockerConfig.basic(
                    registries: credential.registries ?? [], username: credential.username, password: credential.password.value)
                config.entries.merge(own.entries) { existing, _ in existing }
            }
            let remaining = registries.filter { config.entries[$0] == nil }
            let shared = try DockerConfig.basic(registries: remaining, username: first.username, password: first.password.value)
            config.entries.merge(shared.entries) { existing, _ in existing }
            guard !config.entries.isEmpty else { throw .emptyRegistryKey }
            return config.encoded()
        }
    }

    /// The earliest expiry the material carries, if any.
    public var expiresAt: Date? {
        switch self {
        case .credentials(let credentials):
            return credentials.compactMap { $0.expiresAt ?? CredentialExpiry.of(password: $0.password.value) }.min()
        case .dockerConfig(let config):
            return config.entries.values.compactMap { $0.effectiveCredentials.flatMap { CredentialExpiry.of(password: $0.password) } }.min()
        }
    }

    /// What the source corrected while reading it (see `Credential.notes`).
    public var notes: [String] {
        switch self {
        case .credentials(let credentials): credentials.flatMap(\.notes)
        case .dockerConfig: []
        }
    }

    /// The registry hosts this material names itself (before the ClusterPullSecret's are added).
    public var ownRegistries: [String] {
        switch self {
        case .credentials(let credentials): credentials.flatMap { $0.registries ?? [] }
        case .dockerConfig(let config): config.registries
        }
    }
}

/// Reading the `static` source: a Secret with `username` and `password` keys, or a
/// `.dockerconfigjson` key.
public enum StaticSourceSecret {
    public static func material(from data: [String: Data], secretName: String) throws(StaticSourceError) -> CredentialMaterial {
        if let config = data[DockerConfigFormat.dockerConfigJSON.secretKey] {
            do { return .dockerConfig(try DockerConfig(parsing: config, format: .dockerConfigJSON)) } catch {
                throw .malformedDockerConfig(secret: secretName, detail: error.description)
            }
        }
        guard let passwordData = data["password"] else { throw .missingKeys(secret: secretName, present: data.keys.sorted()) }
        // The CLI's rule for password files: one trailing newline (`--from-file` keeps it) is not part of it.
        guard let rawPassword = String(data: passwordData, encoding: .utf8) else { throw .emptyPassword(secret: secretName) }
        let (password, passwordTrimmed) = PasswordText.trimmingTrailingNewline(rawPassword)
        guard !password.isEmpty else { throw .emptyPassword(secret: secretName) }
        let (username, usernameTrimmed) = PasswordText.trimmingTrailingNewline(data["username"].flatMap { String(data: $0, encoding: .utf8) } ?? "")
        guard !username.isEmpty else { throw .missingKeys(secret: secretName, present: data.keys.sorted()) }
        guard !username.contains(":") else { throw .usernameContainsColon(secret: secretName) }
        var notes: [String] = []
        for (key, trimmed) in [("username", usernameTrimmed), ("password", passwordTrimmed)] where trimmed {
            notes.append("source secret \(secretName): the \(key) ended in a newline, which was dropped (as `regcred create --password-file` does); store it without one (`kubectl create secret generic --from-literal`, or `printf %s`)")
        }
        return .basic(Credential(username: username, password: Redacted(password), notes: notes))
    }
}

public enum StaticSourceError: Error, Hashable, Sendable, CustomStringConvertible {
    case missingKeys(secret: String, present: [String])
    case emptyPassword(secret: String)
    case malformedDockerConfig(secret: String, detail: String)
    case usernameContainsColon(secret: String)

    public var description: String {
        switch self {
        case .missingKeys(let secret, let present):
            "source secret \(secret) needs username and password keys (or a .dockerconfigjson key); it has: \(present.isEmpty ? "no keys" : present.joined(separator: ", "))"
        case .emptyPassword(let secret):
            "source secret \(secret) has an empty password"
        case .malformedDockerConfig(let secret, let detail):
            "source secret \(secret): .dockerconfigjson is unusable: \(detail)"
        case .usernameContainsColon(let secret):
            "source secret \(secret): the username contains ':'; the kubelet splits auth at the first ':', so the registry would receive a different username and password"
        }
    }
}
