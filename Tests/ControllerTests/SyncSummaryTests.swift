// `sync --once`'s tally: failed namespaces count one each; a ClusterPullSecret whose credentials
// verification held back, one RBAC refused, or one that failed outright counts one more.
import Controller
import RegcredCore
import Testing

@Suite("sync --once summary")
struct SyncSummaryTests {
    struct Refused: Error, CustomStringConvertible { var description: String { "source unavailable" } }

    static func result(targeted: Int, synced: Int, failures: [String], created: Int = 0, attached: Int = 0) -> SyncResult {
        var result = SyncResult()
        result.targeted = targeted
        result.synced = synced
        result.failures = failures.map { NamespaceFailure(namespace: $0, reason: "Forbidden") }
        result.created = created
        result.attached = attached
        return result
    }

    @Test("failed namespaces count one each, and writes are summed")
    func namespacesFail() {
        let summary = SyncSummary([
            ("a", .success(.done(Self.result(targeted: 3, synced: 3, failures: [], created: 2, attached: 1)))),
            ("b", .success(.retry(Self.result(targeted: 3, synced: 1, failures: ["x", "y"]), streaks: ["x": 1, "y": 1]))),
            ("c", .success(.done(nil))),
        ])
        #expect(summary.failed == 2)
        #expect(summary.rows == [["a", "3", "3", "0", "3"], ["b", "3", "1", "2", "0"], ["c", "-", "-", "-", "-"]])
    }

    @Test("credentials held back by verification are a failure even when every namespace is served")
    func heldBackCountsAsFailure() {
        let summary = SyncSummary([("a", .success(.recheck(after: .seconds(60), Self.result(targeted: 2, synced: 2, failures: []))))])
        #expect(summary.failed == 1)
        #expect(summary.rows == [["a", "2", "2", "verification failed", "-"]])
    }

    @Test("a ClusterPullSecret RBAC refuses, or one whose pass threw, counts one failure")
    func refusedAndErrors() {
        let summary = SyncSummary([
            ("a", .success(.forbidden(names: ["pull", "old-pull"]))),
            ("b", .failure(Refused())),
        ])
        #expect(summary.failed == 2)
        #expect(summary.rows == [["a", "-", "-", "forbidden: pull,old-pull", "-"], ["b", "-", "-", "error", "source unavailable"]])
    }
}
