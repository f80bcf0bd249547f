// CredentialRefresher: one credential per ClusterPullSecret, fetched once per refresh and shared
// by every namespace it serves. Reconciles ask it for material as often as events arrive; only
// the pure SourceRefreshState decides when the provider is actually called. A fetch that fails
// keeps the last good credential; a wake-up is scheduled for the refresh point or the retry.
import CredentialSources
import Foundation
import Logging
import RegcredCore

public actor CredentialRefresher {
    /// Builds a source from its spec; tests inject fakes, production uses `CredentialSourceSpec.makeSource`.
    public typealias SourceFactory = @Sendable (CredentialSourceSpec, SourceContext) throws -> any CredentialSource

    /// Production sources, built from the spec.
    public static let specSources: SourceFactory = { spec, context in try spec.makeSource(context: context) }

    public struct Outcome: Sendable {
        public var state: SourceState
        public var material: CredentialMaterial?
        /// True when this call asked the provider (for metrics and events).
        public var fetched: Bool
        public var warning: String?
    }

    private struct Entry {
        var spec: CredentialSourceSpec
        var source: any CredentialSource
        var state: SourceRefreshState
        var wakeTask: Task<Void, Never>?
    }

    private let context: SourceContext
    private let makeSource: SourceFactory
    private let retry: TokenRetryPolicy
    private let random: @Sendable () -> Double
    private let wake: @Sendable (String) async -> Void
    private let logger: Logger
    private var entries: [String: Entry] = [:]
    /// Provider calls made, per ClusterPullSecret (tests and the benchmark read this).
    public private(set) var fetchCount: [String: Int] = [:]

    public init(
        context: SourceContext, retry: TokenRetryPolicy, makeSource: @escaping SourceFactory = CredentialRefresher.specSources,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger, wake: @escaping @Sendable (String) async -> Void
    ) {
        self.context = context
        self.retry = retry
        self.makeSource = makeSource
        self.random = random
        self.logger = logger
        self.wake = wake
    }

    /// The material to write for `policy` now, fetching only when the state machine says so.
    /// Static sources are read from the informer cache every time (no provider to spare).
    public func material(for policy: ClusterPullSecretPolicy, now: Date) async -> Outcome {
        let name = policy.name
        if entries[name]?.spec != policy.source {
            entries[name]?.wakeTask?.cancel()
            do {
                let source = try makeSource(policy.source, context)
                let schedule = RefreshSchedule(
                    before: policy.refreshBefore ?? RefreshSchedule().before, interval: policy.refreshInterval ?? RefreshSchedule().interval)
                entries[name] = Entry(spec: policy.source, source: source, state: SourceRefreshState(schedule: schedule, retry: retry))
            } catch {
                entries[name] = nil
                return Outcome(state: .unavailable(reason: "SourceMisconfigured", message: "\(error)"), material: nil, fetched: false)
            }
        }
        guard var entry = entries[name] else { return Outcome(state: .unavailable(reason: "SourceMisconfigured", message: "no source"), material: nil, fetched: false) }

        if policy.source.static != nil {
            do {
                let material = try await entry.source.fetch()
                return Outcome(state: .available(expiresAt: material.expiresAt), material: material, fetched: false)
            } catch {
                return Outcome(state: .unavailable(reason: Self.reason(error), message: error.description), material: nil, fetched: false)
            }
        }

        var fetched = false
        var warning: String?
        if case .fetch = entry.state.decide(now: now) {
            fetched = true
            fetchCount[name, default: 0] += 1
            do {
                let material = try await entry.source.fetch()
                warning = entry.state.succeeded(material, now: now, random: random())
                logger.info("credential refreshed", metadata: [
                    "clusterpullsecret": "\(name)", "source": "\(entry.source.summary)",
                    "expiresAt": "\(material.expiresAt.map(RFC3339.format) ?? "none")",
                ])
            } catch {
                entry.state.failed(reason: Self.reason(error), message: error.description, now: now, random: random())
                logger.warning("credential fetch failed; keeping the last good credential", metadata: [
                    "clusterpullsecret": "\(name)", "source": "\(entry.source.summary)", "error": "\(error.description)",
                    "attempt": "\(entry.state.failure?.count ?? 0)",
                ])
            }
            // The entry may have been replaced while the fetch was in flight (spec change): keep the newer one.
            guard entries[name]?.spec == entry.spec else {
                return Outcome(state: entry.state.sourceState(now: now), material: entry.state.servable(now: now), fetched: fetched)
            }
        }
        scheduleWake(&entry, name: name, now: now)
        entries[name] = entry
        return Outcome(state: entry.state.sourceState(now: now), material: entry.state.servable(now: now), fetched: fetched, warning: warning)
    }

    /// A secret the source reads changed (a rotated key): fetch again at the next reconcile.
    public func invalidate(_ name: String) {
        entries[name]?.wakeTask?.cancel()
        entries[name] = nil
    }

    /// The ClusterPullSecret is gone.
    public func forget(_ name: String) {
        invalidate(name)
    }

    private func scheduleWake(_ entry: inout Entry, name: String, now: Date) {
        entry.wakeTask?.cancel()
        guard let at = entry.state.nextWake else { return }
        let delay = max(0, at.timeIntervalSince(now))
        let wake = self.wake
        entry.wakeTask = Task {
            try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            guard !Task.isCancelled else { return }
            await wake(name)
        }
    }

    static func reason(_ error: CredentialSourceError) -> String {
        switch error.kind {
        case .misconfigured: "SourceMisconfigured"
        case .secretMissing: "SourceSecretNotFound"
        case .unreachable: "ProviderUnreachable"
        case .rejected: "CredentialsRejected"
        case .providerError: "ProviderError"
        }
    }
}
