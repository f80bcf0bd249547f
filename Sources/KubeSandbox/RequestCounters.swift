// RequestCounters: how many requests the sandbox answered per (verb, resource), for benchmarks
// and for tests that assert a client did (not) call the server.
import Synchronization

final class RequestCounters: Sendable {
    private struct Key: Hashable { var verb: String; var resource: String }
    private let counts = Mutex([Key: Int]())

    func increment(verb: String, resource: String) {
        counts.withLock { $0[Key(verb: verb, resource: resource), default: 0] += 1 }
    }

    func count(verb: String, resource: String) -> Int {
        counts.withLock { $0[Key(verb: verb, resource: resource)] ?? 0 }
    }

    func reset() {
        counts.withLock { $0 = [:] }
    }
}
