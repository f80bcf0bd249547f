// WorkQueue: client-go's workqueue semantics as an actor. A key is queued at most once while
// waiting, is never handed to two workers at once (a key added while being processed is
// queued again when the worker is done), and comes back after a per-key exponential backoff
// when it fails. Unlike client-go's, each key carries a scope: what part of the key's work the
// adds asked for, merged while the key waits, so that an event about one namespace asks for a
// pass over that namespace rather than over all of them.

/// The part of a key's work that adds ask for; merged while the key waits.
public protocol WorkScope: Sendable, Hashable {
    /// All of the key's work: what an add without a scope asks for.
    static var all: Self { get }
    func merged(with other: Self) -> Self
}

public actor WorkQueue<Key: Hashable & Sendable, Scope: WorkScope> {
    private var queue: [Key] = []
    private var head = 0
    private var dirty: Set<Key> = []
    private var processing: Set<Key> = []
    /// What the adds since the key was last handed out asked for.
    private var scopes: [Key: Scope] = [:]
    private var failures: [Key: Int] = [:]
    private var waiters: [CheckedContinuation<(key: Key, scope: Scope)?, Never>] = []
    private var isShutDown = false
    /// The per-key backoff, also used by callers that back off parts of a key's work.
    public nonisolated let backoff: ItemBackoff
    private let clock = ContinuousClock()
    /// Delayed adds, earliest first (client-go's delaying queue): one timer task waits for the
    /// earliest; a repeated add of the same key and scope keeps only the earliest time.
    private var delayed = DelayHeap<Key, Scope>()
    private var timer: Task<Void, Never>?
    private var timerDeadline: ContinuousClock.Instant?

    public init(backoff: ItemBackoff = ItemBackoff()) {
        self.backoff = backoff
    }

    /// Number of keys waiting (not counting those being processed), for the queue-depth metric.
    public var depth: Int { queue.count - head }

    public func add(_ key: Key, scope: Scope = .all) {
        guard !isShutDown else { return }
        scopes[key] = scopes[key].map { $0.merged(with: scope) } ?? scope
        enqueue(key)
    }

    private func enqueue(_ key: Key) {
        guard !dirty.contains(key) else { return }
        dirty.insert(key)
        guard !processing.contains(key) else { return }
        if let waiter = waiters.first {
            waiters.removeFirst()
            dirty.remove(key)
            processing.insert(key)
            waiter.resume(returning: (key, takeScope(key)))
        } else {
            queue.append(key)
        }
    }

    private func takeScope(_ key: Key) -> Scope {
        scopes.removeValue(forKey: key) ?? .all
    }

    /// Adds the key after its backoff; each call without a `forget` doubles the delay.
    public func addAfterFailure(_ key: Key, scope: Scope = .all) {
        let attempts = failures[key, default: 0]
        failures[key] = attempts + 1
        add(key, scope: scope, after: backoff.delay(afterFailures: attempts))
    }

    /// Adds the key once `delay` has passed (a planned second look, not a failure). The scope
    /// joins the key's pending scope only then, so an earlier pass does not use it up.
    public func add(_ key: Key, scope: Scope = .all, after delay: Duration) {
        guard !isShutDown else { return }
        guard delay > .zero else { return add(key, scope: scope) }
        delayed.insert(key, scope: scope, due: clock.now + delay)
        armTimer()
    }

    /// Delayed adds waiting (for the queue-depth metric and tests).
    public var delayedCount: Int { delayed.count }

    /// Keeps one timer task, due at the earliest delayed add.
    private func armTimer() {
        guard let earliest = delayed.earliestDue else {
            timer?.cancel()
            (timer, timerDeadline) = (nil, nil)
            return
        }
        if let timerDeadline, timerDeadline <= earliest, timer != nil { return }
        timer?.cancel()
        timerDeadline = earliest
        timer = Task { [clock] in
            try? await clock.sleep(until: earliest)
            guard !Task.isCancelled else { return }
            await self.fireDue()
        }
    }

    private func fireDue() {
        (timer, timerDeadline) = (nil, nil)
        for (key, scope) in delayed.popDue(at: clock.now) { add(key, scope: scope) }
        armTimer()
    }

    /// While `key` is being processed: takes what adds have asked of it since, if `absorb`
    /// returns what the running work can do now and what must wait. The part it takes no longer
    /// queues the key again; the rest stays asked for. (A full pass of a ClusterPullSecret
    /// serves namespaces that appeared after it began.)
    public func takePending(_ key: Key, _ absorb: (Scope) -> (taken: Scope?, left: Scope?)) -> Scope? {
        guard processing.contains(key), dirty.contains(key), let scope = scopes[key] else { return nil }
        let (taken, left) = absorb(scope)
        guard let taken else { return nil }
        if let left {
            scopes[key] = left
        } else {
            scopes[key] = nil
            dirty.remove(key)
        }
        return taken
    }

    /// Resets the key's backoff after a success.
    public func forget(_ key: Key) {
        failures[key] = nil
    }

    public func failureCount(_ key: Key) -> Int { failures[key, default: 0] }

    /// The next key to process and the scope asked for, waiting for one; nil once the queue is
    /// shut down.
    public func next() async -> (key: Key, scope: Scope)? {
        if head < queue.count {
            let key = queue[head]
            head += 1
            if head > 1024 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            dirty.remove(key)
            processing.insert(key)
            return (key, takeScope(key))
        }
        if isShutDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Marks the key processed; if it was added meanwhile, it is queued again with what those
    /// adds asked for.
    public func done(_ key: Key) {
        processing.remove(key)
        if dirty.contains(key) {
            dirty.remove(key)
            enqueue(key)
        }
    }

    public func shutDown() {
        isShutDown = true
        timer?.cancel()
        (timer, timerDeadline) = (nil, nil)
        delayed = DelayHeap()
        let pending = waiters
        waiters.removeAll()
        for waiter in pending { waiter.resume(returning: nil) }
    }
}

/// Per-key exponential backoff: base × 2^failures, capped (client-go's
/// ItemExponentialFailureRateLimiter, with a base suited to API round trips).
public struct ItemBackoff: Sendable, Hashable {
    public var base: Duration
    public var cap: Duration

    public init(base: Duration = .milliseconds(100), cap: Duration = .seconds(300)) {
        self.base = base
        self.cap = cap
    }

    public func delay(afterFailures failures: Int) -> Duration {
        guard failures < 40 else { return cap }
        let scaled = base * (1 << failures)
        return min(scaled, cap)
    }
}

/// Delayed adds ordered by due time (a binary min-heap); one entry per key and scope, at the
/// earliest time asked.
struct DelayHeap<Key: Hashable & Sendable, Scope: WorkScope>: Sendable {
    private struct Entry: Sendable {
        var due: ContinuousClock.Instant
        var key: Key
        var scope: Scope
    }

    private struct EntryKey: Hashable, Sendable {
        var key: Key
        var scope: Scope
    }

    private var heap: [Entry] = []
    private var dueByEntry: [EntryKey: ContinuousClock.Instant] = [:]

    var count: Int { dueByEntry.count }
    var earliestDue: ContinuousClock.Instant? { heap.first?.due }

    mutating func insert(_ key: Key, scope: Scope, due: ContinuousClock.Instant) {
        let entryKey = EntryKey(key: key, scope: scope)
        if let existing = dueByEntry[entryKey], existing <= due { return }
        // An earlier add supersedes a later one: the later entry stays in the heap, skipped when popped.
        dueByEntry[entryKey] = due
        heap.append(Entry(due: due, key: key, scope: scope))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].due < heap[parent].due else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns every entry due at `now`, earliest first.
    mutating func popDue(at now: ContinuousClock.Instant) -> [(Key, Scope)] {
        var due: [(Key, Scope)] = []
        while let first = heap.first, first.due <= now {
            let entry = removeFirst()
            let entryKey = EntryKey(key: entry.key, scope: entry.scope)
            // Only the entry at the recorded (earliest) time counts; superseded ones are dropped.
            guard dueByEntry[entryKey] == entry.due else { continue }
            dueByEntry[entryKey] = nil
            due.append((entry.key, entry.scope))
        }
        return due
    }

    private mutating func removeFirst() -> Entry {
        let first = heap[0]
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].due < heap[smallest].due { smallest = left }
            if right < heap.count, heap[right].due < heap[smallest].due { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
