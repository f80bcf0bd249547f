// InformerNotification: what an informer tells its handlers: an object appeared, changed or
// went away (with `finalStateUnknown` when the deletion was inferred on relist).

public enum InformerNotification<Object: KubernetesObject>: Sendable {
    case added(Object)
    case updated(old: Object, new: Object)
    case deleted(Object, finalStateUnknown: Bool)

    public var key: ObjectKey {
        switch self {
        case .added(let object), .updated(_, let object), .deleted(let object, _): ObjectKey(object)
        }
    }
}

extension InformerNotification: Equatable where Object: Equatable {}
