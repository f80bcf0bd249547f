import Foundation
import Testing

@testable import RegcredCore

@Suite("Verification reports and the rollout gate")
struct VerificationReportTests {
    static func report(_ results: [RegistryCheck.Result]) -> VerificationReport {
        VerificationReport(
            checks: results.enumerated().map { RegistryCheck(registry: "r\($0.offset).io", result: $0.element, detail: "d\($0.offset)") },
            checkedAt: Date(timeIntervalSince1970: 0))
    }

    @Test("reasons tell rejected credentials from unreachable registries", arguments: [
        ([.ok, .ok], "Verified"),
        ([.ok, .rejected, .unreachable], "CredentialsRejected"),
        ([.noPullPermission, .unreachable], "NoPullPermission"),
        ([.ok, .unreachable], "RegistryUnreachable"),
        ([.failed], "VerificationFailed"),
        ([], "NothingToVerify"),
    ] as [([RegistryCheck.Result], String)])
    func reasons(results: [RegistryCheck.Result], reason: String) {
        #expect(Self.report(results).reason == reason)
    }

    @Test("the message names each failing registry and only those")
    func message() {
        #expect(Self.report([.ok, .rejected]).message == "r1.io: d1")
        #expect(Self.report([.ok, .ok]).message == "credentials accepted by r0.io, r1.io")
    }

    @Test("block holds anything that did not pass; warn always writes")
    func gate() {
        #expect(VerificationGate.decide(Self.report([.ok]), policy: .block) == .write)
        #expect(VerificationGate.decide(Self.report([.unreachable]), policy: .block) == .hold)
        #expect(VerificationGate.decide(Self.report([]), policy: .block) == .hold)
        #expect(VerificationGate.decide(Self.report([.rejected]), policy: .warn) == .write)
    }
}
