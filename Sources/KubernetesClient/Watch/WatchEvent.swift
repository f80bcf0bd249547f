// WatchEvent: one change from a watch stream: an object added, modified or deleted, a bookmark
// (progress only: a newer resourceVersion to resume from), or an error Status (410 Gone …).

public enum WatchEvent<Object: Sendable>: Sendable {
    case added(Object)
    case modified(Object)
    case deleted(Object)
    case bookmark(resourceVersion: String)
    case error(Status)
}

extension WatchEvent: Equatable where Object: Equatable {}

extension WatchEvent where Object: KubernetesObject {
    /// The resourceVersion this event brings the watch to, if any.
    public var resourceVersion: String? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): object.metadata.resourceVersion
        case .bookmark(let version): version
        case .error: nil
        }
    }
}
