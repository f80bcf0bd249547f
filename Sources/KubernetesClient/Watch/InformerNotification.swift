// InformerNotification: what an informer tells its handlers: an object appeared, changed or
// went away (with `finalStateUnknown` when the deletion was inferred on relist).

public enum InformerNotification<Object: CacheableObject>: Sendable {
    case added(Object)
    case updated(old: Object, new: Object)
    case deleted(Object, finalStateUnknown: Bool)

    public var key: ObjectKey { object.cacheKey }
}

extension InformerNotification: Equatable where Object: Equatable {}

extension InformerNotification {
    /// The object as it is now, or as it was last seen when deleted.
    public var object: Object {
        switch self {
        case .added(let object), .updated(_, let object), .deleted(let object, _): object
        }
    }
}
