// Kubeconfig: the clusters, users and contexts of one kubeconfig file, or of several merged
// by kubectl's rules (the first file to define a name wins, and so does the first
// current-context).

public struct Kubeconfig: Sendable, Equatable {
    public var clusters: [String: KubeconfigCluster]
    public var users: [String: KubeconfigUser]
    public var contexts: [String: KubeconfigContext]
    public var currentContext: String?
    /// The files this configuration came from, in loading order; errors name them.
    public var sources: [String]

    public init(clusters: [String: KubeconfigCluster] = [:], users: [String: KubeconfigUser] = [:],
                contexts: [String: KubeconfigContext] = [:], currentContext: String? = nil, sources: [String] = []) {
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
        self.currentContext = currentContext
        self.sources = sources
    }

    /// Adds `later`'s entries under names not yet defined; never overrides (clientcmd's rule for
    /// the KUBECONFIG list: "the first file to set a particular map key wins").
    public mutating func merge(_ later: Kubeconfig) {
        clusters.merge(later.clusters) { first, _ in first }
        users.merge(later.users) { first, _ in first }
        contexts.merge(later.contexts) { first, _ in first }
        if currentContext?.isEmpty ?? true { currentContext = later.currentContext }
        sources += later.sources
    }

    /// How errors name this configuration: one path, or the KUBECONFIG list.
    public var displayPath: String {
        sources.isEmpty ? "<empty>" : sources.joined(separator: ":")
    }
}
