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
        var listed = Set<ObjectKey>()
        return apply(listedPage: items, into: &listed) + removeUnlisted(listed)
    }

    /// One page of a relist: new objects are adds, changed ones updates; `listed` collects the
    /// keys seen so far. The cache is edited in place, and an unchanged object keeps its cached
    /// value: the listed copy goes away with the page. (Building a second dictionary of fresh
    /// copies moved every long-lived object on each relist, and the heap grew by the holes left
    /// behind: issue 18, +5 MiB per relist.)
    public mutating func apply(listedPage items: [Object], into listed: inout Set<ObjectKey>) -> [InformerNotification<Object>] {
        var notifications: [InformerNotification<Object>] = []
        for item in items {
            let key = item.cacheKey
            listed.insert(key)
            if let old = objects[key] {
                if old.resourceVersion != item.resourceVersion || old.uid != item.uid {
                    objects[key] = item
                    notifications.append(.updated(old: old, new: item))
                }
            } else {
                objects[key] = item
                notifications.append(.added(item))
            }
        }
        return notifications
    }

    /// The end of a relist: what no page listed is gone (deleted while we were not watching),
    /// a deletion with final state unknown, in key order.
    public mutating func removeUnlisted(_ listed: Set<ObjectKey>) -> [InformerNotification<Object>] {
        var notifications: [InformerNotification<Object>] = []
        for key in objects.keys.filter({ !listed.contains($0) }).sorted() {
            if let old = objects.removeValue(forKey: key) {
                notifications.append(.deleted(old, finalStateUnknown: true))
            }
        }
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
