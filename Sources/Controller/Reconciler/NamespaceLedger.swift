// NamespaceLedger: per ClusterPullSecret, where each selected namespace stood after the latest
// pass that looked at it, and what that pass wanted. It lets a pass over a few namespaces
// report status for all of them (targeted, synced, failed) without visiting the rest, and tells
// when a narrow pass is not enough: once the desired secret differs from what the last full pass
// wrote, every namespace needs the new one.
import Synchronization
import RegcredCore

final class NamespaceLedger: Sendable {
    enum Outcome: Hashable, Sendable {
        /// Selected, but the source has not produced a credential yet.
        case waiting
        /// Selected, without content from the source, and regcred's secret from an earlier
        /// credential is in place.
        case holding
        case synced
        case failed(String)
    }

    private struct Entry {
        /// What the last full pass wrote everywhere.
        var desired: DesiredPullSecret
        /// Selected namespaces only; excluded and terminating ones have no entry.
        var outcomes: [String: Outcome]
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Per ClusterPullSecret, how many passes in a row failed each namespace: a namespace's
    /// retry backoff is its own, so passes that succeed elsewhere never shorten it.
    private let failureStreaks = Mutex<[String: [String: Int]]>([:])

    init() {}

    /// The desired secret of the last full pass, if one has run.
    func desired(for owner: String) -> DesiredPullSecret? {
        entries.withLock { $0[owner]?.desired }
    }

    /// After a full pass: the outcome of every selected namespace.
    func replace(_ owner: String, desired: DesiredPullSecret, outcomes: [String: Outcome]) {
        entries.withLock { $0[owner] = Entry(desired: desired, outcomes: outcomes) }
    }

    /// After a pass over some namespaces: nil removes a namespace that is no longer selected.
    func update(_ owner: String, outcomes: [String: Outcome?]) {
        entries.withLock { all in
            guard var entry = all[owner] else { return }
            all[owner] = nil  // keep the dictionary uniquely referenced while it is edited
            for (namespace, outcome) in outcomes { entry.outcomes[namespace] = outcome }
            all[owner] = entry
        }
    }

    func forget(_ owner: String) {
        _ = entries.withLock { $0.removeValue(forKey: owner) }
        _ = failureStreaks.withLock { $0.removeValue(forKey: owner) }
    }

    /// After a pass that visited `visited` (nil: every namespace): each failed namespace's
    /// streak grows by one, every other visited namespace's ends. Returns the streaks of the
    /// failed ones.
    @discardableResult
    func recordFailures(_ owner: String, failed: Set<String>, visited: Set<String>?) -> [String: Int] {
        failureStreaks.withLock { all in
            var streaks = all.removeValue(forKey: owner) ?? [:]
            if let visited {
                for namespace in visited where !failed.contains(namespace) { streaks[namespace] = nil }
            } else {
                streaks = streaks.filter { failed.contains($0.key) }
            }
            for namespace in failed { streaks[namespace, default: 0] += 1 }
            if !streaks.isEmpty { all[owner] = streaks }
            return streaks.filter { failed.contains($0.key) }
        }
    }

    /// Targeted, synced and failed namespaces (failures in namespace order) across the ledger.
    func totals(for owner: String) -> SyncResult {
        entries.withLock { all in
            var totals = SyncResult()
            guard let outcomes = all[owner]?.outcomes else { return totals }
            totals.targeted = outcomes.count
            for (namespace, outcome) in outcomes {
                switch outcome {
                case .synced: totals.synced += 1
                case .failed(let reason): totals.failures.append(NamespaceFailure(namespace: namespace, reason: reason))
                case .holding: totals.holding += 1
                case .waiting: break
                }
            }
            totals.failures.sort { $0.namespace < $1.namespace }
            return totals
        }
    }
}
