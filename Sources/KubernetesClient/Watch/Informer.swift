// Informer: keeps a local, always-current copy of one resource (optionally filtered by
// selectors) by listing and then watching, and tells handlers what changed. Re-watches from the
// last resourceVersion when a connection drops, relists on 410 Gone, backs off on failures.
// What the controller reads instead of polling the API server. What it keeps of each object is
// `Cached`: the object itself, or, given a transform (as client-go's SetTransform), a smaller
// value holding only what its reader needs, so a cache of 10,000 objects stays small.
import Logging

public actor Informer<Object: KubernetesObject, Cached: CacheableObject> {
    public typealias Handler = @Sendable (InformerNotification<Cached>) async -> Void
    /// Applied to every listed and watched object before it is stored or handed to handlers.
    public typealias Transform = @Sendable (Object) -> Cached

    private let client: ResourceClient<Object>
    private let labelSelector: LabelQuery?
    private let fieldSelector: FieldSelector?
    private let pageSize: Int
    private let transform: Transform
    private let watchTimeoutSeconds: ClosedRange<Int>
    private let clock: KubeClock
    private let logger: Logger
    private var state: WatchResumeState
    private var handlers: [Handler] = []
    private var syncWaiters: [CheckedContinuation<Void, Never>] = []
    /// Waiters for the outcome of the first list: nil once synced, or the error of a failed attempt.
    private var firstListWaiters: [CheckedContinuation<(any Error)?, Never>] = []
    /// Why the last list failed, until one succeeds.
    public private(set) var lastListError: (any Error)?

    /// The local cache. Reads are snapshots; never mutate objects from it in place.
    public private(set) var store = InformerStore<Cached>()
    /// True once the first list has been stored and handlers told.
    public private(set) var hasSynced = false
    /// Lists and watches opened so far. Not public: only tests read them (`@testable`).
    private(set) var listCount = 0
    private(set) var watchCount = 0

    /// An informer that keeps `transform(object)` of each object.
    public init(_ client: ResourceClient<Object>, labelSelector: LabelQuery? = nil, fieldSelector: FieldSelector? = nil,
                pageSize: Int = 500, watchTimeoutSeconds: ClosedRange<Int> = 300...600,
                backoff: Backoff = Informer.defaultBackoff,
                logger: Logger? = nil, transform: @escaping Transform) {
        self.client = client
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.pageSize = pageSize
        self.transform = transform
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.clock = client.client.clock
        self.logger = logger ?? client.client.logger
        self.state = WatchResumeState(backoff: backoff)
    }

    public static var defaultBackoff: Backoff {
        Backoff(initial: .milliseconds(800), maximum: .seconds(30), multiplier: 2, jitter: 0.5)
    }

    /// Handlers run one at a time in event order; keep them short (enqueue a key and return).
    public func addHandler(_ handler: @escaping Handler) {
        handlers.append(handler)
    }

    public func waitUntilSynced() async {
        if hasSynced { return }
        await withCheckedContinuation { syncWaiters.append($0) }
    }

    public func get(namespace: String?, name: String) -> Cached? {
        store[ObjectKey(namespace: namespace, name: name)]
    }

    public func list() -> [Cached] { store.sortedObjects }

    /// The keys of every cached object.
    public var keys: [ObjectKey] { Array(store.objects.keys) }

    /// The cached objects under these keys (those that exist).
    public func objects(forKeys keys: some Sequence<ObjectKey>) -> [Cached] {
        keys.compactMap { store[$0] }
    }

    /// The cached objects in these namespaces. The scan runs inside the actor, so no snapshot of
    /// the whole store outlives it (a snapshot held while events arrive makes the next event
    /// copy the entire store).
    public func objects(inNamespaces namespaces: Set<String>) -> [Cached] {
        store.objects.values.filter { object in object.cacheKey.namespace.map(namespaces.contains) ?? false }
    }

    /// Whether any cached object satisfies `predicate` (scanned inside the actor, no snapshot).
    public func containsObject(where predicate: @Sendable (Cached) -> Bool) -> Bool {
        store.objects.values.contains(where: predicate)
    }

    /// The resourceVersion the next watch resumes from.
    public var resumeResourceVersion: String? { state.resourceVersion }

    /// Lists and watches until the surrounding task is cancelled.
    public func run() async {
        var needsList = true
        while !Task.isCancelled {
            if needsList {
                do {
                    try await relist()
                    needsList = false
                } catch {
                    if Task.isCancelled { break }
                    lastListError = error
                    if !hasSynced { resumeFirstListWaiters(with: error) }
                    let delay = state.listFailed(random: clock.random())
                    logger.warning("informer list failed; retrying", metadata: ["resource": "\(client.resource)", "error": "\(error)", "after": "\(delay)"])
                    try? await clock.sleep(delay)
                    continue
                }
            }
            let action = await watchOnce()
            switch action {
            case .relist(let delay):
                logger.info("informer relisting", metadata: ["resource": "\(client.resource)"])
                needsList = true
                if delay > .zero { try? await clock.sleep(delay) }
            case .rewatch(let delay):
                if delay > .zero { try? await clock.sleep(delay) }
            case .deliver, .skip:
                break
            }
        }
        for waiter in syncWaiters { waiter.resume() }
        syncWaiters = []
        resumeFirstListWaiters(with: CancellationError())
    }

    /// Waits for the first list to succeed (nil) or for an attempt to fail (its error; the
    /// informer keeps retrying). A caller that cannot work without the cache, such as a pass
    /// over a name RBAC may forbid, learns why instead of waiting forever.
    public func firstListOutcome() async -> (any Error)? {
        if hasSynced { return nil }
        if let lastListError { return lastListError }
        return await withCheckedContinuation { firstListWaiters.append($0) }
    }

    private func resumeFirstListWaiters(with error: (any Error)?) {
        let waiters = firstListWaiters
        firstListWaiters = []
        for waiter in waiters { waiter.resume(returning: error) }
    }

    private func relist() async throws {
        listCount += 1
        // Page by page into the cache: one page of whole objects and one of trimmed ones are
        // alive at a time, never the whole list beside the cache (the first relist's peak).
        // Readers meanwhile may see some objects at the new version and some at the old, as
        // between watch events; deletions are known only at the end.
        var listed = Set<ObjectKey>()
        var snapshot = ListMeta()
        for try await page in client.pages(
            ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector), pageSize: pageSize, keeping: transform)
        {
            if page.restarted { listed.removeAll() }
            snapshot = page.metadata
            for notification in store.apply(listedPage: page.items, into: &listed) { await notify(notification) }
        }
        for notification in store.removeUnlisted(listed) { await notify(notification) }
        state.listed(resourceVersion: snapshot.resourceVersion)
        lastListError = nil
        if !hasSynced {
            hasSynced = true
            for waiter in syncWaiters { waiter.resume() }
            syncWaiters = []
            resumeFirstListWaiters(with: nil)
        }
    }

    /// One watch connection, from open to end; returns what to do next.
    private func watchOnce() async -> WatchResumeState.Action {
        watchCount += 1
        var delivered = 0
        let span = watchTimeoutSeconds.upperBound - watchTimeoutSeconds.lowerBound
        let timeout = watchTimeoutSeconds.lowerBound + Int(Double(span + 1) * clock.random()) % (span + 1)
        let options = ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector,
                                  resourceVersion: state.resourceVersion, timeoutSeconds: timeout)
        do {
            let events = try await client.watch(options)
            for try await event in events {
                let action = state.received(event, random: clock.random())
                switch action {
                case .deliver:
                    delivered += 1
                    if let notification = store.apply(transformed(event)) { await notify(notification) }
                case .skip:
                    delivered += 1
                case .relist, .rewatch:
                    return action
                }
            }
            return state.streamEnded(failed: false, deliveredEvents: delivered, random: clock.random())
        } catch let error as KubeAPIError where error.code != nil {
            return state.failed(httpStatus: error.code ?? 500, reason: error.status?.reason, random: clock.random())
        } catch {
            if !Task.isCancelled {
                logger.info("informer watch ended", metadata: ["resource": "\(client.resource)", "error": "\(error)"])
            }
            return state.streamEnded(failed: true, deliveredEvents: delivered, random: clock.random())
        }
    }

    private func transformed(_ event: WatchEvent<Object>) -> WatchEvent<Cached> {
        switch event {
        case .added(let object): .added(transform(object))
        case .modified(let object): .modified(transform(object))
        case .deleted(let object): .deleted(transform(object))
        case .bookmark(let version): .bookmark(resourceVersion: version)
        case .error(let status): .error(status)
        }
    }

    private func notify(_ notification: InformerNotification<Cached>) async {
        for handler in handlers { await handler(notification) }
    }
}

extension Informer where Cached == Object {
    /// An informer that keeps whole objects.
    public init(_ client: ResourceClient<Object>, labelSelector: LabelQuery? = nil, fieldSelector: FieldSelector? = nil,
                pageSize: Int = 500, watchTimeoutSeconds: ClosedRange<Int> = 300...600,
                backoff: Backoff = Informer.defaultBackoff, logger: Logger? = nil) {
        self.init(client, labelSelector: labelSelector, fieldSelector: fieldSelector, pageSize: pageSize,
                  watchTimeoutSeconds: watchTimeoutSeconds, backoff: backoff, logger: logger, transform: { $0 })
    }
}
