// WorkQueue: client-go's workqueue semantics as an actor. A key is queued at most once while
// waiting, is never handed to two workers at once (a key added while being processed is
// queued again when the worker is done), and comes back after a per-key exponential backoff
// when it fails.

public actor WorkQueue<Key: Hashable & Sendable> {
    private var queue: [Key] = []
    private var head = 0
    private var dirty: Set<Key> = []
    private var processing: Set<Key> = []
    private var failures: [Key: Int] = [:]
    private var waiters: [CheckedContinuation<Key?, Never>] = []
    private var isShutDown = false
    private let backoff: ItemBackoff
    private let clock: any Clock<Duration>

    public init(backoff: ItemBackoff = ItemBackoff(), clock: any Clock<Duration> = ContinuousClock()) {
        self.backoff = backoff
        self.clock = clock
    }

    /// Number of keys waiting (not counting those being processed), for the queue-depth metric.
    public var depth: Int { queue.count - head }

    public func add(_ key: Key) {
        guard !isShutDown, !dirty.contains(key) else { return }
        dirty.insert(key)
        guard !processing.contains(key) else { return }
        if let waiter = waiters.first {
            waiters.removeFirst()
            dirty.remove(key)
            processing.insert(key)
            waiter.resume(returning: key)
        } else {
            queue.append(key)
        }
    }

    /// Adds the key after its backoff; each call without a `forget` doubles the delay.
    public func addAfterFailure(_ key: Key) {
        let attempts = failures[key, default: 0]
        failures[key] = attempts + 1
        let delay = backoff.delay(afterFailures: attempts)
        Task { [clock] in
            try? await clock.sleep(for: delay)
            self.add(key)
        }
    }

    /// Adds the key once `delay` has passed (a planned second look, not a failure).
    public func add(_ key: Key, after delay: Duration) {
        Task { [clock] in
            try? await clock.sleep(for: delay)
            self.add(key)
        }
    }

    /// Resets the key's backoff after a success.
    public func forget(_ key: Key) {
        failures[key] = nil
    }

    public func failureCount(_ key: Key) -> Int { failures[key, default: 0] }

    /// The next key to process, waiting for one; nil once the queue is shut down.
    public func next() async -> Key? {
        if head < queue.count {
            let key = queue[head]
            head += 1
            if head > 1024 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            dirty.remove(key)
            processing.insert(key)
            return key
        }
        if isShutDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Marks the key processed; if it was added meanwhile, it is queued again.
    public func done(_ key: Key) {
        processing.remove(key)
        if dirty.contains(key) {
            dirty.remove(key)
            add(key)
        }
    }

    public func shutDown() {
        isShutDown = true
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
