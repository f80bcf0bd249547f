// RequestVerb: the Kubernetes verb of a request, which decides what may safely be retried.

public enum RequestVerb: String, Sendable, Hashable {
    case get, list, watch, create, update, patch, delete, deleteCollection

    /// Reads change nothing on the server, so repeating one is always safe.
    public var isRead: Bool { self == .get || self == .list || self == .watch }
}
