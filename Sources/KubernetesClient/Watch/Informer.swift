// Informer: keeps a local, always-current copy of one resource (optionally filtered by
// selectors) by listing and then watching, and tells handlers what changed. Re-watches from the
// last resourceVersion when a connection drops, relists on 410 Gone, backs off on failures.
// What the controller reads instead of polling the API server. An optional transform trims each
// object before it is stored (as client-go's SetTransform), so a cache of 10,000 objects keeps
// only the fields its reader needs.
import Logging

public actor Informer<Object: KubernetesObject> {
    public typealias Handler = @Sendable (InformerNotification<Object>) async -> Void
    /// Applied to every listed and watched object before it is stored or handed to handlers.
    /// Objects it returns are views for reading: never write one back whole (PUT), or the
    /// fields it dropped are lost on the server; patch the fields you own instead.
    public typealias Transform = @Sendable (Object) -> Object

    private let client: ResourceClient<Object>
    private let labelSelector: LabelQuery?
    private let fieldSelector: FieldSelector?
    private let pageSize: Int
    private let transform: Transform?
    private let watchTimeoutSeconds: ClosedRange<Int>
    private let clock: KubeClock
    private let logger: Logger
    private var state: WatchResumeState
    private var handlers: [Handler] = []
    private var syncWaiters: [CheckedContinuation<Void, Never>] = []

    /// The local cache. Reads are snapshots; never mutate objects from it in place.
    public private(set) var store = InformerStore<Object>()
    /// True once the first list has been stored and handlers told.
    public private(set) var hasSynced = false
    /// Lists and watches opened so far (for tests and metrics).
    public private(set) var listCount = 0
    public private(set) var watchCount = 0

    public init(_ client: ResourceClient<Object>, labelSelector: LabelQuery? = nil, fieldSelector: FieldSelector? = nil,
                pageSize: Int = 500, watchTimeoutSeconds: ClosedRange<Int> = 300...600,
                backoff: Backoff = Backoff(initial: .milliseconds(800), maximum: .seconds(30), multiplier: 2, jitter: 0.5),
                transform: Transform? = nil, logger: Logger? = nil) {
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

    /// Handlers run one at a time in event order; keep them short (enqueue a key and return).
    public func addHandler(_ handler: @escaping Handler) {
        handlers.append(handler)
    }

    public func waitUntilSynced() async {
        if hasSynced { return }
        await withCheckedContinuation { syncWaiters.append($0) }
    }

    public func get(namespace: String?, name: String) -> Object? {
        store[ObjectKey(namespace: namespace, name: name)]
    }

    public func list() -> [Object] { store.sortedObjects }

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
    }

    private func relist() async throws {
        listCount += 1
        // Trimmed page by page, so that the full objects of only one page are alive at a time.
        let list = try await client.listAll(
            ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector), pageSize: pageSize, transform: transform)
        let notifications = store.replace(with: list.items)
        state.listed(resourceVersion: list.metadata.resourceVersion)
        for notification in notifications { await notify(notification) }
        if !hasSynced {
            hasSynced = true
            for waiter in syncWaiters { waiter.resume() }
            syncWaiters = []
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

    private func transformed(_ event: WatchEvent<Object>) -> WatchEvent<Object> {
        guard let transform else { return event }
        switch event {
        case .added(let object): return .added(transform(object))
        case .modified(let object): return .modified(transform(object))
        case .deleted(let object): return .deleted(transform(object))
        case .bookmark, .error: return event
        }
    }

    private func notify(_ notification: InformerNotification<Object>) async {
        for handler in handlers { await handler(notification) }
    }
}
