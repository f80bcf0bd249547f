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
    /// The admission webhook adds the pull secret to pods at creation (off unless enabled).
    public var podInjection: PodInjectionSpec?
    public var refresh: RefreshSpec?
    /// Check new credentials against the registries before writing them anywhere.
    public var verify: VerifySpec?

    public init(
        registries: [String]? = nil, profile: String? = nil, source: CredentialSourceSpec, secretName: String? = nil,
        namespaces: NamespacesSpec? = nil, serviceAccounts: [String]? = nil, podInjection: PodInjectionSpec? = nil,
        refresh: RefreshSpec? = nil, verify: VerifySpec? = nil
    ) {
        self.registries = registries
        self.profile = profile
        self.source = source
        self.secretName = secretName
        self.namespaces = namespaces
        self.serviceAccounts = serviceAccounts
        self.podInjection = podInjection
        self.refresh = refresh
        self.verify = verify
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

/// `spec.podInjection`: whether the pod admission webhook appends this ClusterPullSecret's pull
/// secret to `spec.imagePullSecrets` of pods created in its namespaces, and for which pods.
public struct PodInjectionSpec: Codable, Hashable, Sendable {
    public enum Images: String, Codable, Hashable, Sendable, CaseIterable {
        /// Only pods with at least one image (init, regular or ephemeral container) that the
        /// secret's registries serve by the kubelet's matching rules.
        case matching
        /// Every pod in a selected namespace.
        case all
    }

    /// Default false: the webhook leaves pods alone.
    public var enabled: Bool?
    /// Default `matching`.
    public var images: Images?

    public init(enabled: Bool? = nil, images: Images? = nil) {
        self.enabled = enabled
        self.images = images
    }
}

public struct VerifySpec: Codable, Hashable, Sendable {
    public enum Policy: String, Codable, Hashable, Sendable {
        /// A failed check keeps the last good secret in place and writes nothing.
        case block
        /// A failed check is reported (condition, event, metric) and the credentials are written anyway.
        case warn
    }

    public var enabled: Bool?
    /// An image to prove pull rights for (`HEAD` of its manifest); otherwise each registry's `/v2/`.
    public var image: String?
    /// Default `block`.
    public var policy: Policy?

    public init(enabled: Bool? = nil, image: String? = nil, policy: Policy? = nil) {
        self.enabled = enabled
        self.image = image
        self.policy = policy
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
    public var ecr: ECRSourceSpec?
    public var gcp: GCPSourceSpec?
    public var acr: ACRSourceSpec?
    public var githubApp: GitHubAppSourceSpec?

    public init(
        static: StaticSourceSpec? = nil, ecr: ECRSourceSpec? = nil, gcp: GCPSourceSpec? = nil, acr: ACRSourceSpec? = nil,
        githubApp: GitHubAppSourceSpec? = nil
    ) {
        self.static = `static`
        self.ecr = ecr
        self.gcp = gcp
        self.acr = acr
        self.githubApp = githubApp
    }

    /// The names of the source fields that are set, for validation.
    public var configuredKinds: [String] {
        var kinds: [String] = []
        if `static` != nil { kinds.append("static") }
        if ecr != nil { kinds.append("ecr") }
        if gcp != nil { kinds.append("gcp") }
        if acr != nil { kinds.append("acr") }
        if githubApp != nil { kinds.append("githubApp") }
        return kinds
    }

    /// Every source kind, in the order documentation lists them.
    public static let allKinds = ["static", "ecr", "gcp", "acr", "githubApp"]

    /// Names of the Secrets (in the controller's namespace) this source reads, so that a change
    /// to one of them re-reads the source.
    public var referencedSecretNames: [String] {
        [
            `static`?.secretRef.name, ecr?.credentialsSecretRef?.name, gcp?.serviceAccountKeySecretRef?.name,
            acr?.clientSecretRef?.name, githubApp?.privateKeySecretRef.name,
        ].compactMap { $0 }
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

/// One key of a Secret in the controller's namespace.
public struct SecretKeyReference: Codable, Hashable, Sendable {
    public var name: String
    /// The key within the Secret; each source documents its default.
    public var key: String?

    public init(name: String, key: String? = nil) {
        self.name = name
        self.key = key
    }
}
