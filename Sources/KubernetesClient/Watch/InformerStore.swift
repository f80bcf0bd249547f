// InformerStore: the informer's local cache as a pure value: applying watch events and list
// results returns the notifications to deliver. On a relist it synthesises deletes for objects
// that vanished meanwhile (as client-go's Replace does), so handlers never miss a deletion.

public struct InformerStore<Object: CacheableObject>: Sendable {
    public private(set) var objects: [ObjectKey: Object] = [:]

    public init() {}

    public subscript(key: ObjectKey) -> Object? { objects[key] }

    public var count: Int { objects.count }

    /// All objects, sorted by key (stable output for callers and tests).
    public var sortedObjects: [Object] { objects.sorted { $0.key < $1.key }.map(\.value) }

    /// Replaces the contents with a fresh list. Unchanged objects (same resourceVersion) make no
    /// noise; changed ones are updates; missing ones deletions with final state unknown.
    public mutating func replace(with items: [Object]) -> [InformerNotification<Object>] {
        var notifications: [InformerNotification<Object>] = []
        var fresh: [ObjectKey: Object] = [:]
        for item in items {
            let key = item.cacheKey
            fresh[key] = item
            if let old = objects[key] {
                if old.resourceVersion != item.resourceVersion || old.uid != item.uid {
                    notifications.append(.updated(old: old, new: item))
                }
            } else {
                notifications.append(.added(item))
            }
        }
        for (key, old) in objects.sorted(by: { $0.key < $1.key }) where fresh[key] == nil {
            notifications.append(.deleted(old, finalStateUnknown: true))
        }
        objects = fresh
        return notifications
    }

    /// Applies one watch event. An ADDED for a known key is an update and a MODIFIED for an
    /// unknown key an add, so a replayed event cannot corrupt the cache.
    public mutating func apply(_ event: WatchEvent<Object>) -> InformerNotification<Object>? {
        switch event {
        case .added(let object), .modified(let object):
            let key = object.cacheKey
            let old = objects.updateValue(object, forKey: key)
            return old.map { .updated(old: $0, new: object) } ?? .added(object)
        case .deleted(let object):
            let key = object.cacheKey
            let last = objects.removeValue(forKey: key)
            return .deleted(object.resourceVersion == nil ? (last ?? object) : object, finalStateUnknown: false)
        case .bookmark, .error:
            return nil
        }
    }
}
