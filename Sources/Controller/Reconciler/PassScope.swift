// PassScope: which namespaces one pass of a ClusterPullSecret looks at. An event about one
// namespace (it appeared, its default service account arrived, regcred's secret there was
// edited) asks for a pass over that namespace alone; a change to the ClusterPullSecret or its
// credential asks for all of them. At 10,000 namespaces, a full pass per namespace event made
// convergence quadratic and kept copies of the whole cache alive.

public enum PassScope: Hashable, Sendable, WorkScope {
    case all
    case namespaces(Set<String>)
    /// A full pass that serves these namespaces first: namespace events that arrived while a
    /// full pass was already asked for (a new namespace must not wait behind a rotation).
    case allServingFirst(Set<String>)

    /// Above this many namespaces one full pass is cheaper than looking each one up.
    public static let namespaceLimit = 256

    public static func namespace(_ name: String) -> PassScope { .namespaces([name]) }

    /// These namespaces, or all when there are more than `namespaceLimit`.
    public static func covering(_ names: some Sequence<String>) -> PassScope {
        let set = Set(names)
        return set.count > namespaceLimit ? .all : .namespaces(set)
    }

    /// The namespaces to serve first (all of a narrow scope).
    public var prioritized: Set<String> {
        switch self {
        case .all: []
        case .namespaces(let names), .allServingFirst(let names): names
        }
    }

    public var isFull: Bool {
        if case .namespaces = self { return false }
        return true
    }

    public func merged(with other: PassScope) -> PassScope {
        let names = prioritized.union(other.prioritized)
        guard isFull || other.isFull else {
            return names.count > Self.namespaceLimit ? .all : .namespaces(names)
        }
        return names.isEmpty || names.count > Self.namespaceLimit ? .all : .allServingFirst(names)
    }

    /// Splits the namespaces this scope asks to serve first: those a running full pass may take
    /// now, and what stays asked for (the namespaces that `mustWait`, and a full pass still due).
    public func takingPrioritized(except mustWait: (String) -> Bool) -> (taken: Set<String>, left: PassScope?) {
        let names = prioritized
        guard !names.isEmpty else { return ([], self) }
        let later = names.filter(mustWait)
        let left: PassScope? = switch self {
        case .namespaces: later.isEmpty ? nil : .namespaces(later)
        default: later.isEmpty ? .all : .allServingFirst(later)
        }
        return (names.subtracting(later), left)
    }
}
