// What one `sync --once` pass amounts to: a row per ClusterPullSecret and how many failures a CI
// job must see. Credentials held back by verification count as a failure of their own, so a
// pass that wrote nothing because the new credentials were refused is not green.

/// The outcome of `PullSecretController.syncOnce`, tallied for a summary table and an exit code.
public struct SyncSummary: Sendable, Equatable {
    public static let headers = ["CLUSTERPULLSECRET", "TARGETED", "SYNCED", "FAILED", "WRITES"]

    /// One row per ClusterPullSecret, in the order of the pass, cells as `headers` names them.
    public private(set) var rows: [[String]] = []
    /// Failed namespaces, plus one for each ClusterPullSecret that could not be served at all
    /// (held back by verification, forbidden, or an error).
    public private(set) var failed = 0

    public init(_ results: [(name: String, outcome: Result<PullSecretReconciler.Outcome, any Error>)]) {
        for (name, outcome) in results {
            switch outcome {
            case .success(.done(let result?)), .success(.retry(let result, _)):
                failed += result.failures.count
                let writes = result.created + result.updated + result.deleted + result.attached + result.detached
                rows.append([name, "\(result.targeted)", "\(result.synced)", "\(result.failures.count)", "\(writes)"])
            case .success(.recheck(_, let result)):
                // Credentials failed verification (spec.verify): a CI job should see that.
                failed += result.failures.count + 1
                rows.append([name, "\(result.targeted)", "\(result.synced)", "verification failed", "-"])
            case .success(.forbidden(let names)):
                failed += 1
                rows.append([name, "-", "-", "forbidden: \(names.joined(separator: ","))", "-"])
            case .success:
                rows.append([name, "-", "-", "-", "-"])
            case .failure(let error):
                failed += 1
                rows.append([name, "-", "-", "error", "\(error)"])
            }
        }
    }
}
