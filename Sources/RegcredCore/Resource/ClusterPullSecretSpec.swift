// The spec of `regcred.dev/v1alpha1` ClusterPullSecret, as plain Codable values. The CRD in
// deploy/crds/ describes the same shape; a test keeps the two in agreement.

public struct ClusterPullSecretSpec: Codable, Hashable, Sendable {
    /// Registry hosts this credential serves (added to the profile's hosts, if any).
    public var registries: [String]?
    /// A built-in or configured registry profile.
    public var profile: String?
    public var source: CredentialSourceSpec
    /// The pull secret's name in every target namespace (default `regcred-<metadata.name>`).
    public var secretName: String?
    public var namespaces: NamespacesSpec?
    /// Service accounts that get the secret: `["default"]` when unset, `["*"]` for all, `[]` for none.
    public var serviceAccounts: [String]?
    public var refresh: RefreshSpec?

    public init(
        registries: [String]? = nil, profile: String? = nil, source: CredentialSourceSpec, secretName: String? = nil,
        namespaces: NamespacesSpec? = nil, serviceAccounts: [String]? = nil, refresh: RefreshSpec? = nil
    ) {
        self.registries = registries
        self.profile = profile
        self.source = source
        self.secretName = secretName
        self.namespaces = namespaces
        self.serviceAccounts = serviceAccounts
        self.refresh = refresh
    }
}

public struct NamespacesSpec: Codable, Hashable, Sendable {
    public var selector: LabelSelector?
    public var exclude: [String]?

    public init(selector: LabelSelector? = nil, exclude: [String]? = nil) {
        self.selector = selector
        self.exclude = exclude
    }
}

public struct RefreshSpec: Codable, Hashable, Sendable {
    /// Refresh a token when this much of its lifetime is left (Go duration, e.g. `30m`).
    public var before: String?
    /// Re-read a credential without expiry this often (Go duration, e.g. `1h`).
    public var interval: String?

    public init(before: String? = nil, interval: String? = nil) {
        self.before = before
        self.interval = interval
    }
}

/// Exactly one field is set. Each source kind is one optional member, so the controller picks
/// the source by the field present and never switches on kinds elsewhere.
public struct CredentialSourceSpec: Codable, Hashable, Sendable {
    public var `static`: StaticSourceSpec?

    public init(static: StaticSourceSpec? = nil) {
        self.static = `static`
    }

    /// The names of the source fields that are set, for validation.
    public var configuredKinds: [String] {
        var kinds: [String] = []
        if `static` != nil { kinds.append("static") }
        return kinds
    }
}

public struct StaticSourceSpec: Codable, Hashable, Sendable {
    /// A Secret in the controller's namespace with `username` and `password` keys, or a
    /// `.dockerconfigjson` key.
    public var secretRef: LocalSecretReference

    public init(secretRef: LocalSecretReference) {
        self.secretRef = secretRef
    }
}

public struct LocalSecretReference: Codable, Hashable, Sendable {
    public var name: String
    public init(name: String) { self.name = name }
}
