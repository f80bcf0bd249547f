// KubeconfigContext: one `contexts[].context` entry: which cluster, as which user, in which namespace.

public struct KubeconfigContext: Sendable, Equatable {
    public var cluster: String
    public var user: String
    public var namespace: String?

    public init(cluster: String, user: String, namespace: String? = nil) {
        self.cluster = cluster
        self.user = user
        self.namespace = namespace
    }
}
