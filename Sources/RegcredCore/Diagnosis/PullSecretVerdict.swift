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

    /// The config as the kubelet reads it, for matching and the credentials it sends; never encoded.
    let kubelet: KubeletDockerConfig?
    /// The config as regcred edits it, for auth checks and fixes (nil when it cannot be read).
    let config: DockerConfig?
    /// Why the kubelet refuses the secret, when it does.
    let refusal: KubeletRefusal?
    /// The file the secret came from, offline.
    let file: String?

    private enum CodingKeys: String, CodingKey { case name, state, type, registries, detail }

    init(
        name: String, state: State, type: String?, kubelet: KubeletDockerConfig? = nil, config: DockerConfig?,
        refusal: KubeletRefusal? = nil, file: String?, detail: String
    ) {
        self.name = name
        self.state = state
        self.type = type
        self.kubelet = kubelet
        self.config = config
        self.refusal = refusal
        self.registries = kubelet?.registries ?? config?.registries ?? []
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
        // One reading of what the kubelet makes of the bytes; the editor's reading only for fixes.
        let config = try? DockerConfig(parsing: bytes, format: format)
        let kubelet: KubeletDockerConfig
        switch KubeletDockerConfig.read(bytes, format: format) {
        case .failure(let refusal):
            return PullSecretVerdict(
                name: name, state: .malformed, type: type, config: config, refusal: refusal, file: observed.file,
                detail: "\(format.secretKey): \(refusal.reason)")
        case .success(let read):
            kubelet = read
        }
        if kubelet.entries.isEmpty {
            // Go unmarshals a document without "auths" into an empty keyring, without an error.
            return PullSecretVerdict(
                name: name, state: .usable, type: type, kubelet: kubelet, config: config ?? DockerConfig(format: format), file: observed.file,
                detail: "\(format.secretKey) has no entries, so it offers no credentials")
        }
        let count = kubelet.entries.count
        return PullSecretVerdict(
            name: name, state: .usable, type: type, kubelet: kubelet, config: config, file: observed.file,
            detail: "\(type), \(count) \(count == 1 ? "entry" : "entries")")
    }
}
