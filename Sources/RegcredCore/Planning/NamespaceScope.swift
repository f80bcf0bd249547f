// Which namespaces a ClusterPullSecret serves: a label selector, exclusions by name or glob,
// and the opt-out annotation that always wins.

public struct NamespaceScope: Hashable, Sendable {
    /// nil selects every namespace.
    public var selector: LabelSelector?
    /// Namespace names or globs (`kube-*`), matched like the kubelet's host labels.
    public var exclude: [String] {
        didSet { globs = exclude.map(GlobPattern.init) }
    }
    /// `exclude` parsed once for the many namespaces a scope decides on: nil where an entry is
    /// not a valid glob (it then excludes the namespace of exactly that name).
    private var globs: [GlobPattern?]

    public init(selector: LabelSelector? = nil, exclude: [String] = []) {
        self.selector = selector
        self.exclude = exclude
        self.globs = exclude.map(GlobPattern.init)
    }

    public enum Decision: Hashable, Sendable {
        case selected
        case excluded(reason: String)
        /// Being deleted: nothing is written there, and what is there goes with the namespace.
        case terminating
    }

    public func decide(_ namespace: ObservedNamespace) -> Decision {
        if namespace.isTerminating { return .terminating }
        if namespace.annotations[ManagedObjectMarkers.excludeAnnotation] == "true" {
            return .excluded(reason: "annotation \(ManagedObjectMarkers.excludeAnnotation)=true")
        }
        if let (pattern, _) = zip(exclude, globs).first(where: { name, glob in glob?.matches(namespace.name) ?? (name == namespace.name) }) {
            return .excluded(reason: "spec.namespaces.exclude \"\(pattern)\"")
        }
        if let selector, !selector.matches(namespace.labels) {
            return .excluded(reason: "labels do not match spec.namespaces.selector")
        }
        return .selected
    }
}
