// KubeconfigError: every way a kubeconfig (or in-cluster setup) can be unusable, each with a
// message naming the file and field so the user can fix it.

public enum KubeconfigError: Error, Equatable, Sendable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, detail: String)
    case syntax(path: String, detail: String)
    case invalidField(path: String, field: String, detail: String)
    case noConfiguration(searched: [String])
    case noCurrentContext(path: String, available: [String])
    case contextNotFound(path: String, context: String, available: [String])
    case clusterNotFound(path: String, context: String, cluster: String)
    case userNotFound(path: String, context: String, user: String)
    case missingServer(path: String, cluster: String)
    case invalidServer(path: String, cluster: String, server: String)
    case conflictingFields(path: String, detail: String)
    case referencedFileUnreadable(path: String, field: String, file: String, detail: String)
    case notInCluster(detail: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            "kubeconfig \(path): no such file"
        case .unreadable(let path, let detail):
            "kubeconfig \(path): cannot read: \(detail)"
        case .syntax(let path, let detail):
            "kubeconfig \(path): \(detail)"
        case .invalidField(let path, let field, let detail):
            "kubeconfig \(path): \(field) \(detail)"
        case .noConfiguration(let searched):
            searched.isEmpty
                ? "no kubeconfig found and not running in a cluster; pass --kubeconfig or set KUBECONFIG"
                : "no kubeconfig found (looked at \(searched.joined(separator: ", "))) and not running in a cluster; pass --kubeconfig or set KUBECONFIG"
        case .noCurrentContext(let path, let available):
            "kubeconfig \(path): current-context is not set; pass --context (available contexts: \(Self.list(available)))"
        case .contextNotFound(let path, let context, let available):
            "kubeconfig \(path): context \"\(context)\" not found; available contexts: \(Self.list(available))"
        case .clusterNotFound(let path, let context, let cluster):
            "kubeconfig \(path): context \"\(context)\" refers to cluster \"\(cluster)\", which is not defined"
        case .userNotFound(let path, let context, let user):
            "kubeconfig \(path): context \"\(context)\" refers to user \"\(user)\", which is not defined"
        case .missingServer(let path, let cluster):
            "kubeconfig \(path): cluster \"\(cluster)\" has no server"
        case .invalidServer(let path, let cluster, let server):
            "kubeconfig \(path): cluster \"\(cluster)\": server \"\(server)\" is not a valid https:// or http:// URL"
        case .conflictingFields(let path, let detail):
            "kubeconfig \(path): \(detail)"
        case .referencedFileUnreadable(let path, let field, let file, let detail):
            "kubeconfig \(path): \(field) \(file): \(detail)"
        case .notInCluster(let detail):
            "not running in a Kubernetes cluster: \(detail)"
        }
    }

    private static func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.sorted().joined(separator: ", ")
    }
}
