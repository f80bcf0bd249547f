// What the kubelet makes of one listed pull secret (kubelet `MakeDockerKeyring`): used, silently
// skipped (missing, wrong type or key, empty), or refused, which fails every pull of the pod.
import Foundation

public struct PullSecretVerdict: Sendable, Equatable, Encodable {
    public enum State: String, Sendable, Codable {
        /// Read and parsed: its entries take part in matching.
        case usable
        /// Not found in the namespace: the kubelet warns (FailedToRetrieveImagePullSecret) and pulls without it.
        case missing
        /// Not of type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg: the kubelet ignores it.
        case notAPullSecret = "not-a-pull-secret"
        /// The right type, but no (or an empty) `.dockerconfigjson`/`.dockercfg` key: ignored.
        case missingKey = "missing-key"
        /// The document does not parse, or an `auth` field does not decode: the kubelet refuses
        /// the whole keyring, so every image of the pod fails to pull, public ones included.
        case malformed
    }

    public let name: String
    public let state: State
    public let type: String?
    /// Registry keys, sorted (empty unless usable or malformed only in an `auth` field).
    public let registries: [String]
    /// One sentence a user can act on.
    public let detail: String
    public var breaksEveryPull: Bool { state == .malformed }

    /// The parsed config, for matching; never encoded.
    let config: DockerConfig?
    /// The file the secret came from, offline.
    let file: String?

    private enum CodingKeys: String, CodingKey { case name, state, type, registries, detail }

    init(name: String, state: State, type: String?, config: DockerConfig?, file: String?, detail: String) {
        self.name = name
        self.state = state
        self.type = type
        self.config = config
        self.registries = config?.registries ?? []
        self.file = file
        self.detail = detail
    }

    /// Judges a secret the way `MakeDockerKeyring` reads it; `nil` means it was not found.
    public static func evaluate(name: String, observed: ObservedPullSecret?, namespace: String?) -> PullSecretVerdict {
        guard let observed else {
            let place = namespace.map { "namespace \($0)" } ?? "the given files"
            return PullSecretVerdict(
                name: name, state: .missing, type: nil, config: nil, file: nil,
                detail: "not found in \(place); the kubelet skips it and pulls without it")
        }
        let type = observed.type ?? "Opaque"
        guard let format = DockerConfigFormat(secretType: type) else {
            let hasDockerConfig = observed.data.keys.contains { $0 == ".dockerconfigjson" || $0 == ".dockercfg" }
            return PullSecretVerdict(
                name: name, state: .notAPullSecret, type: type, config: nil, file: observed.file,
                detail: "has type \(type)\(hasDockerConfig ? " (though it holds a docker config)" : ""); the kubelet only reads kubernetes.io/dockerconfigjson and kubernetes.io/dockercfg secrets and ignores this one")
        }
        guard let bytes = observed.data[format.secretKey], !bytes.isEmpty else {
            return PullSecretVerdict(
                name: name, state: .missingKey, type: type, config: nil, file: observed.file,
                detail: "type \(type) but no \(format.secretKey) key (keys: \(observed.data.keys.sorted().joined(separator: ", "))); the kubelet ignores it")
        }
        let config: DockerConfig
        do {
            config = try DockerConfig(parsing: bytes, format: format)
        } catch .missingAuths {
            // Go unmarshals a document without "auths" into an empty keyring, without an error.
            return PullSecretVerdict(
                name: name, state: .usable, type: type, config: DockerConfig(format: format), file: observed.file,
                detail: "\(format.secretKey) has no \"auths\" object, so it offers no credentials")
        } catch {
            return PullSecretVerdict(
                name: name, state: .malformed, type: type, config: nil, file: observed.file,
                detail: "\(format.secretKey) does not parse (\(error)); the kubelet refuses it, so every pull of the pod fails")
        }
        let broken = config.registries.filter { config.entries[$0]?.authCheck.breaksWholeSecret == true }
        if !broken.isEmpty {
            let reasons = broken.map { "\"\($0)\": \(config.entries[$0]!.authCheck.description)" }
            return PullSecretVerdict(
                name: name, state: .malformed, type: type, config: config, file: observed.file,
                detail: "the auth field of \(reasons.joined(separator: "; "))")
        }
        let count = config.entries.count
        return PullSecretVerdict(
            name: name, state: .usable, type: type, config: config, file: observed.file,
            detail: "\(type), \(count) \(count == 1 ? "entry" : "entries")")
    }
}
