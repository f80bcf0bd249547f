// The ledger behind status counts when a pass looks at only some namespaces.
@testable import Controller
import Foundation
import RegcredCore
import Testing

@Suite("NamespaceLedger")
struct NamespaceLedgerTests {
    let desired = DesiredPullSecret(owner: "main", secretName: "regcred-pull", content: Data("{}".utf8))

    @Test("a full pass sets the counts; passes over single namespaces add, change and remove entries")
    func totals() {
        let ledger = NamespaceLedger()
        #expect(ledger.desired(for: "main") == nil)
        ledger.replace("main", desired: desired, outcomes: ["b": .synced, "a": .failed("conflict"), "c": .waiting])
        #expect(ledger.desired(for: "main") == desired)
        var totals = ledger.totals(for: "main")
        #expect((totals.targeted, totals.synced) == (3, 1))
        #expect(totals.failures == [NamespaceFailure(namespace: "a", reason: "conflict")])

        ledger.update("main", outcomes: ["a": .synced, "c": nil, "d": .failed("forbidden"), "0": .failed("quota")])
        totals = ledger.totals(for: "main")
        #expect((totals.targeted, totals.synced) == (4, 2))
        #expect(totals.failures.map(\.namespace) == ["0", "d"], "failures in namespace order")
    }

    @Test("updates for a ClusterPullSecret without a full pass, or forgotten, are dropped")
    func unknownOwner() {
        let ledger = NamespaceLedger()
        ledger.update("main", outcomes: ["a": .synced])
        #expect(ledger.totals(for: "main").targeted == 0)
        ledger.replace("main", desired: desired, outcomes: ["a": .synced])
        ledger.forget("main")
        #expect(ledger.desired(for: "main") == nil)
        #expect(ledger.totals(for: "main").targeted == 0)
    }
}
