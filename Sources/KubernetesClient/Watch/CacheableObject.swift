// CacheableObject: what an informer's store needs of what it keeps: the key it is filed under
// and the version that tells a change from a replay. Every KubernetesObject is one; so is any
// smaller value an informer keeps in place of the whole object (see Informer's `transform`).

public protocol CacheableObject: Sendable {
    var cacheKey: ObjectKey { get }
    var resourceVersion: String? { get }
    /// Tells a deleted-and-recreated object from an update when both carry a new version.
    var uid: String? { get }
}

extension KubernetesObject {
    public var cacheKey: ObjectKey { ObjectKey(self) }
    public var uid: String? { metadata.uid }
}
