// StatusWriter: at most one status write per ClusterPullSecret per interval, always of the latest
// state. A burst of new namespaces makes a pass per namespace; without this each pass patched
// the status (1.35 writes per namespace on a real API server). The first change after a quiet
// interval is written at once; later ones wait for the interval's end and are merged; `flush`
// writes whatever waits (shutdown), so the last state is never lost.
import Foundation
import KubernetesClient
import Logging
import Operations
import RegcredCore

public actor StatusWriter {
    private let client: KubeClient
    private let interval: Duration
    private let logger: Logger
    private let clock = ContinuousClock()
    /// The status last written per ClusterPullSecret: the base of the next merge patch.
    private var written: [String: ClusterPullSecretStatus] = [:]
    private var lastWrite: [String: ContinuousClock.Instant] = [:]
    private var pending: [String: ClusterPullSecretStatus] = [:]
    private var scheduled: [String: Task<Void, Never>] = [:]
    /// Status patches sent, per ClusterPullSecret (tests and benchmarks read it).
    public private(set) var writes: [String: Int] = [:]

    public init(client: KubeClient, interval: Duration, logger: Logger) {
        self.client = client
        self.interval = interval
        self.logger = logger
    }

    /// Asks for `status` on `name`, whose stored status (as the cache shows it) is `stored`.
    /// Written now, or at the end of the current interval with whatever is latest by then.
    /// Throws only for a write made now, so the pass that asked can retry.
    public func submit(_ status: ClusterPullSecretStatus, for name: String, stored: ClusterPullSecretStatus?) async throws {
        let base = written[name] ?? stored
        guard status != base else {
            pending[name] = nil
            return
        }
        if let last = lastWrite[name], clock.now - last < interval {
            pending[name] = status
            scheduleFlush(name, at: last + interval)
            return
        }
        pending[name] = nil
        try await write(status, for: name, base: base)
    }

    /// Writes every status still waiting (the controller is stopping).
    public func flush() async {
        for (_, task) in scheduled { task.cancel() }
        scheduled = [:]
        for (name, status) in pending {
            pending[name] = nil
            do { try await write(status, for: name, base: written[name]) } catch {
                logger.warning("could not write the last status", metadata: ["clusterpullsecret": "\(name)", "error": "\(error)"])
            }
        }
    }

    /// The ClusterPullSecret is gone.
    public func forget(_ name: String) {
        scheduled.removeValue(forKey: name)?.cancel()
        pending[name] = nil
        written[name] = nil
        lastWrite[name] = nil
    }

    private func scheduleFlush(_ name: String, at deadline: ContinuousClock.Instant) {
        guard scheduled[name] == nil else { return }
        scheduled[name] = Task { [clock] in
            try? await clock.sleep(until: deadline)
            guard !Task.isCancelled else { return }
            await self.flushScheduled(name)
        }
    }

    private func flushScheduled(_ name: String) async {
        scheduled[name] = nil
        guard let status = pending.removeValue(forKey: name) else { return }
        do {
            try await write(status, for: name, base: written[name])
        } catch {
            // Kept for the next interval: a status is never dropped while the controller runs.
            logger.warning("status write failed; retrying", metadata: ["clusterpullsecret": "\(name)", "error": "\(error)"])
            if pending[name] == nil { pending[name] = status }
            scheduleFlush(name, at: clock.now + interval)
        }
    }

    /// A merge patch of the status subresource against what was last written: only this
    /// controller writes status, and the cache may trail our own last write.
    private func write(_ status: ClusterPullSecretStatus, for name: String, base: ClusterPullSecretStatus?) async throws {
        let encoded = try JSONValue(encoding: status)
        let previous = try base.map { try JSONValue(encoding: $0) }
        let patch = JSONValue.object(["status": encoded.mergePatch(from: previous)])
        lastWrite[name] = clock.now
        writes[name, default: 0] += 1
        _ = try await client.resource(ClusterPullSecret.self).patch(name, .merge(patch), subresource: "status")
        written[name] = status
    }
}
