// A validated ClusterPullSecret: the spec resolved against the profile catalog into exactly
// what the planner and the refresh scheduler need, or every problem with its field path.

public struct ClusterPullSecretPolicy: Hashable, Sendable {
    /// The pull secret name when `spec.secretName` is not set.
    public static func defaultSecretName(for clusterPullSecret: String) -> String { "regcred-\(clusterPullSecret)" }

    public var name: String
    public var registries: [String]
    public var secretName: String
    public var scope: NamespaceScope
    public var serviceAccounts: ServiceAccountSelection
    public var source: CredentialSourceSpec
    public var refreshBefore: Duration?
    public var refreshInterval: Duration?
    /// Set when `spec.verify.enabled` is true.
    public var verification: Verification?
    /// `spec.podInjection` with its defaults applied (off, `matching`).
    public var podInjection: PodInjection = PodInjection()

    public struct PodInjection: Hashable, Sendable {
        public var enabled: Bool
        public var images: PodInjectionSpec.Images

        public init(enabled: Bool = false, images: PodInjectionSpec.Images = .matching) {
            self.enabled = enabled
            self.images = images
        }
    }

    public struct Verification: Hashable, Sendable {
        public var image: String?
        public var policy: VerifySpec.Policy
    }

    /// Resolves and validates; the error lists every problem, each naming its field.
    public static func resolve(
        name: String, spec: ClusterPullSecretSpec, catalog: ProfileCatalog
    ) -> Result<ClusterPullSecretPolicy, InvalidSpec> {
        var problems: [String] = []
        var registries: [String] = []
        if let profile = spec.profile {
            do { registries = try catalog.profile(named: profile).registries } catch { problems.append("spec.profile: \(error)") }
        }
        for host in spec.registries ?? [] where !registries.contains(host) {
            if (try? RegistryKey(parsing: host)) == nil { problems.append("spec.registries: \"\(host)\" is not a registry host") }
            registries.append(host)
        }
        if spec.profile == nil && (spec.registries ?? []).isEmpty && !spec.source.namesItsOwnRegistries {
            problems.append("spec: set spec.registries (a list of hosts) or spec.profile")
        }
        let kinds = spec.source.configuredKinds
        if kinds.count != 1 {
            problems.append(
                kinds.isEmpty
                    ? "spec.source: set exactly one source (\(CredentialSourceSpec.allKinds.joined(separator: ", ")))"
                    : "spec.source: set exactly one source, found \(kinds.joined(separator: ", "))")
        }
        problems += spec.source.problems
        var verification: Verification?
        if let verify = spec.verify, verify.enabled == true {
            if let image = verify.image, (try? ImageReference(parsing: image)) == nil {
                problems.append("spec.verify.image: \"\(image)\" is not an image reference (e.g. ghcr.io/org/app:tag)")
            }
            verification = Verification(image: verify.image, policy: verify.policy ?? .block)
        }
        let secretName = spec.secretName ?? defaultSecretName(for: name)
        if let problem = KubernetesNames.subdomainProblem(secretName) {
            problems.append("spec.secretName: \"\(secretName)\" \(problem)")
        }
        for pattern in spec.namespaces?.exclude ?? [] where GlobPattern(pattern) == nil {
            problems.append("spec.namespaces.exclude: \"\(pattern)\" is not a valid name or glob")
        }
        problems += (spec.namespaces?.selector?.problems ?? []).map { "spec.namespaces.selector.\($0)" }
        for account in spec.serviceAccounts ?? [] where account != "*" {
            if let problem = KubernetesNames.subdomainProblem(account) {
                problems.append("spec.serviceAccounts: \"\(account)\" \(problem)")
            }
        }
        let before = duration(spec.refresh?.before, field: "spec.refresh.before", problems: &problems)
        let interval = duration(spec.refresh?.interval, field: "spec.refresh.interval", problems: &problems)
        guard problems.isEmpty else { return .failure(InvalidSpec(name: name, problems: problems)) }
        return .success(ClusterPullSecretPolicy(
            name: name, registries: registries, secretName: secretName,
            scope: NamespaceScope(selector: spec.namespaces?.selector, exclude: spec.namespaces?.exclude ?? []),
            serviceAccounts: ServiceAccountSelection(names: spec.serviceAccounts), source: spec.source,
            refreshBefore: before, refreshInterval: interval, verification: verification,
            podInjection: PodInjection(enabled: spec.podInjection?.enabled ?? false, images: spec.podInjection?.images ?? .matching)))
    }

    private static func duration(_ text: String?, field: String, problems: inout [String]) -> Duration? {
        guard let text else { return nil }
        guard let value = GoDuration.parse(text) else {
            problems.append("\(field): \"\(text)\" is not a duration (e.g. 30m, 1h, 1h30m)")
            return nil
        }
        return value
    }
}

public struct InvalidSpec: Error, Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var problems: [String]

    public init(name: String, problems: [String]) {
        self.name = name
        self.problems = problems
    }

    public var description: String { "ClusterPullSecret \(name) is invalid: \(problems.joined(separator: "; "))" }
}
