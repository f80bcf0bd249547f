// FaultInjector: test hooks that make the sandbox misbehave on purpose — failing the next N
// matching requests, adding latency, dropping watches, forcing 410 on the next watch. Matching
// happens per request before any real work, so a failed request changes nothing.
import Synchronization

public final class FaultInjector: Sendable {
    struct Failure: Sendable {
        var remaining: Int
        var verb: String?
        var resource: String?
        var namespace: String?
        var status: Int
        var retryAfterSeconds: Int?
    }

    struct Latency: Sendable {
        var duration: Duration
        var verb: String?
        var resource: String?
    }

    private struct State: Sendable {
        var failures: [Failure] = []
        var latencies: [Latency] = []
    }

    private let state = Mutex(State())
    private let onDropWatches: @Sendable () async -> Void
    private let onForceGone: @Sendable () async -> Void
    private let onCompact: @Sendable () async -> Void

    init(onDropWatches: @escaping @Sendable () async -> Void, onForceGone: @escaping @Sendable () async -> Void,
         onCompact: @escaping @Sendable () async -> Void) {
        self.onDropWatches = onDropWatches
        self.onForceGone = onForceGone
        self.onCompact = onCompact
    }

    /// Fail the next `count` requests matching all given filters (nil matches anything).
    public func failNext(_ count: Int, verb: String? = nil, resource: String? = nil, namespace: String? = nil,
                         status: Int, retryAfterSeconds: Int? = nil) {
        state.withLock {
            $0.failures.append(Failure(remaining: count, verb: verb, resource: resource, namespace: namespace,
                                       status: status, retryAfterSeconds: retryAfterSeconds))
        }
    }

    /// Delay every matching request by `duration` before it is handled.
    public func addLatency(_ duration: Duration, verb: String? = nil, resource: String? = nil) {
        state.withLock { $0.latencies.append(Latency(duration: duration, verb: verb, resource: resource)) }
    }

    /// End every open watch stream (clients see the connection's body end).
    public func dropWatches() async {
        await onDropWatches()
    }

    /// The next watch request receives an ERROR event with a 410 Expired Status.
    public func forceGoneOnNextWatch() async {
        await onForceGone()
    }

    /// What an API server restart after an etcd compaction looks like to clients: every watch
    /// ends, and resuming from any earlier resourceVersion gets 410 Gone, so every informer relists.
    public func forceRelists() async {
        await onCompact()
        await onDropWatches()
    }

    public func clear() {
        state.withLock { $0 = State() }
    }

    func latency(verb: String, resource: String) -> Duration {
        state.withLock { state in
            state.latencies.filter { ($0.verb ?? verb) == verb && ($0.resource ?? resource) == resource }
                .reduce(Duration.zero) { $0 + $1.duration }
        }
    }

    /// Consumes one matching failure, if any.
    func takeFailure(verb: String, resource: String, namespace: String?) -> Failure? {
        state.withLock { state in
            guard let index = state.failures.firstIndex(where: {
                $0.remaining > 0 && ($0.verb ?? verb) == verb && ($0.resource ?? resource) == resource
                    && ($0.namespace == nil || $0.namespace == namespace)
            }) else { return nil }
            state.failures[index].remaining -= 1
            let failure = state.failures[index]
            if failure.remaining == 0 { state.failures.remove(at: index) }
            return failure
        }
    }
}
