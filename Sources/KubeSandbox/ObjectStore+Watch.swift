// Watches on the sandbox's store: opening one (from a resourceVersion, with synthetic ADDED events
// for "0", 410 Gone below the history floor), bookmarks, dropping all (fault injection), and how a
// change record becomes the event a watcher's selector sees.
import RegcredCore

extension ObjectStore {
    func forceGoneOnNextWatch() { goneOnNextWatch = true }

    /// Forgets every change history, as an etcd compaction at the current revision does: a watch
    /// resumed from any earlier resourceVersion then gets 410 Gone and its client must relist.
    func compactHistory() {
        for key in storages.keys {
            storages[key]!.history = []
            storages[key]!.historyStart = 0
            storages[key]!.floor = resourceVersion
        }
    }

    /// Opens a watch. Events arrive as ready-to-encode `{"type":…,"object":…}` values.
    func watch(_ type: ResourceType, filter: WatchFilter, fromVersion: String?, bookmarks: Bool) -> AsyncStream<JSONValue> {
        let (stream, continuation) = AsyncStream<JSONValue>.makeStream(bufferingPolicy: .unbounded)
        let storage = storage(type)
        if goneOnNextWatch {
            goneOnNextWatch = false
            continuation.yield(Self.errorEvent(APIError.gone("too old resource version: \(fromVersion ?? "0") (\(storage.floor))")))
            continuation.finish()
            return stream
        }
        let requested = Int(fromVersion ?? "") ?? 0
        if requested == 0 {
            // Unset or "0": synthetic ADDED events for the current state, then changes.
            for (_, object) in storage.objects.sorted(by: { $0.key.sortKey < $1.key.sortKey }) where filter.matches(object) {
                continuation.yield(Self.event("ADDED", ObjectRepresentation.present(object, as: type)))
            }
        } else if requested < storage.floor {
            // The real server answers 200 and reports expiry as the first (and last) event.
            continuation.yield(Self.errorEvent(APIError.gone("too old resource version: \(requested) (\(storage.floor))")))
            continuation.finish()
            return stream
        } else {
            for record in storage.retained where record.resourceVersion > requested {
                if let event = Self.filtered(record, filter: filter, type: type) { continuation.yield(event) }
            }
        }
        let id = nextWatcherID
        nextWatcherID += 1
        watchers[id] = Watcher(type: type, filter: filter, continuation: continuation)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.removeWatcher(id) }
        }
        if bookmarks {
            let interval = settings.bookmarkInterval
            Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    guard let self, await self.sendBookmark(id) else { return }
                }
            }
        }
        return stream
    }

    private func sendBookmark(_ id: Int) -> Bool {
        guard let watcher = watchers[id] else { return false }
        let object: JSONValue = .object([
            "kind": .string(watcher.type.kind), "apiVersion": .string(watcher.type.apiVersion),
            "metadata": .object(["resourceVersion": .string(String(resourceVersion)), "creationTimestamp": .null]),
        ])
        watcher.continuation.yield(Self.event("BOOKMARK", object))
        return true
    }

    private func removeWatcher(_ id: Int) {
        watchers[id] = nil
    }

    func dropWatches() {
        let open = watchers
        watchers = [:]
        for watcher in open.values { watcher.continuation.finish() }
    }

    var openWatchCount: Int { watchers.count }

    static func filtered(_ record: WatchRecord, filter: WatchFilter, type: ResourceType) -> JSONValue? {
        let now = record.change != .deleted && filter.matches(record.object)
        let before = record.previous.map(filter.matches) ?? false
        if record.change == .deleted {
            return filter.matches(record.object) ? event("DELETED", ObjectRepresentation.present(record.object, as: type)) : nil
        }
        switch (before, now) {
        case (false, true): return event("ADDED", ObjectRepresentation.present(record.object, as: type))
        case (true, true): return event("MODIFIED", ObjectRepresentation.present(record.object, as: type))
        case (true, false):
            // Left the selector: DELETED carrying the previous content at the new resourceVersion.
            var previous = record.previous!
            previous["metadata"]?["resourceVersion"] = .string(String(record.resourceVersion))
            return event("DELETED", ObjectRepresentation.present(previous, as: type))
        case (false, false): return nil
        }
    }

    static func event(_ type: String, _ object: JSONValue) -> JSONValue {
        .object(["type": .string(type), "object": object])
    }

    static func errorEvent(_ error: APIError) -> JSONValue {
        event("ERROR", error.status)
    }
}
