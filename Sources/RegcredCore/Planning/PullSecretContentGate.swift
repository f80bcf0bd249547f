// PullSecretContentGate: the one check every write of pull-secret content passes (the
// controller's fan-out, `create`, `update`, `rotate`). Content the kubelet would refuse, or
// that does not serve the registries it is written for, never replaces what is there: one bad
// source would otherwise fail every pull of every pod in every namespace that uses it.
import Foundation

public enum PullSecretContentGate {
    /// Nil when `content` may be written; otherwise why not. `registries` are the hosts the
    /// content must serve (a ClusterPullSecret's `spec.registries` or profile); each needs an
    /// entry with credentials that the kubelet's matching rules apply to that host.
    public static func check(_ content: Data, format: DockerConfigFormat = .dockerConfigJSON, serving registries: [String] = []) -> ContentRefusal? {
        let config: KubeletDockerConfig
        switch KubeletDockerConfig.read(content, format: format) {
        case .failure(let refusal): return .refusedByKubelet(refusal)
        case .success(let read): config = read
        }
        // The kubelet splits auth at the first colon, so such a username reaches the registry
        // as a different username and password.
        if let entry = config.registries.first(where: { config.entries[$0]?.usernameField?.contains(":") == true }) {
            return .usernameContainsColon(registry: entry)
        }
        let withCredentials = config.registries.filter { config.entries[$0]?.hasCredentials == true }
        let missing = registries.filter { registry in !withCredentials.contains { serves(key: $0, registry: registry) } }
        guard missing.isEmpty else { return .missingRegistries(missing, present: withCredentials) }
        return nil
    }

    /// Whether the kubelet would send the credentials filed under `key` for images on
    /// `registry`: the key's host must match (globs, port) and, when the key carries a path,
    /// images under that path count.
    static func serves(key: String, registry: String) -> Bool {
        if key == registry { return true }
        guard let parsed = try? RegistryKey(parsing: key) else { return false }
        if parsed.indexKey == registry { return true }
        guard let image = try? ImageReference(parsing: "\(registry)\(parsed.path)/regcred-gate-check") else { return false }
        return KubeletMatcher.lookup(image, in: [KubeletMatcher.Candidate(key: key, entry: ())]).matches.isEmpty == false
    }
}

/// Why content was not written. Messages name entries and registries, never credentials.
public enum ContentRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    case refusedByKubelet(KubeletRefusal)
    case usernameContainsColon(registry: String)
    /// The content has no credentials for these registries (`present`: the keys it has).
    case missingRegistries([String], present: [String])

    /// The condition reason a controller reports.
    public var reason: String {
        switch self {
        case .refusedByKubelet, .usernameContainsColon: "InvalidSource"
        case .missingRegistries: "SourceMissingRegistries"
        }
    }

    /// The registry key of the entry at fault, if one is.
    public var registry: String? {
        switch self {
        case .refusedByKubelet(let refusal): refusal.registry
        case .usernameContainsColon(let registry): registry
        case .missingRegistries: nil
        }
    }

    public var description: String {
        switch self {
        case .refusedByKubelet(let refusal):
            return refusal.description
        case .usernameContainsColon(let registry):
            return "entry \"\(registry)\": the username contains ':'; the kubelet splits auth at the first ':', so the registry would receive a different username and password"
        case .missingRegistries(let missing, let present):
            let has = present.isEmpty ? "no entry with credentials" : "entries for \(present.joined(separator: ", "))"
            return "no credentials for \(missing.joined(separator: ", ")) (the content has \(has)); pulls from \(missing.count == 1 ? "that registry" : "those registries") would go unauthenticated"
        }
    }
}
