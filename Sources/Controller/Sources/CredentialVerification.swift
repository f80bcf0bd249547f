// CredentialVerification: `spec.verify` — new credentials are checked against the registries
// before they are written anywhere. Each distinct content is probed once (a failed check again
// after `recheckAfter`); with policy block, content that failed is held back and the last
// verified content keeps being written, so a broken token never replaces a working one.
import Foundation
import Operations
import RegcredCore

public actor CredentialVerification {
    public struct Admission: Sendable {
        /// What to write: the new content, the last verified one, or nothing.
        public var content: Data?
        public var report: VerificationReport?
        /// True when the new content was held back.
        public var held: Bool
        /// True when this call probed the registries.
        public var probed: Bool
    }

    private struct Entry {
        var contentDigest: ContentDigest
        var report: VerificationReport
        var lastVerified: Data?
    }

    private let verifier: (any RegistryVerifying)?
    private let recheckAfter: TimeInterval
    private var entries: [String: Entry] = [:]

    public init(verifier: (any RegistryVerifying)?, recheckAfter: TimeInterval = 60) {
        self.verifier = verifier
        self.recheckAfter = recheckAfter
    }

    public func admit(_ content: Data, policy: ClusterPullSecretPolicy, now: Date) async -> Admission {
        guard let verification = policy.verification else {
            entries[policy.name] = nil
            return Admission(content: content, report: nil, held: false, probed: false)
        }
        let digest = ContentDigest(of: content)
        var probed = false
        var entry = entries[policy.name]
        let stale = entry.map { $0.contentDigest != digest || (!$0.report.passed && now.timeIntervalSince($0.report.checkedAt) >= recheckAfter) } ?? true
        if stale {
            let report = await check(content, policy: policy, image: verification.image, now: now)
            probed = true
            entry = Entry(contentDigest: digest, report: report, lastVerified: entry?.lastVerified)
        }
        guard var current = entry else { return Admission(content: nil, report: nil, held: true, probed: probed) }
        let decision = VerificationGate.decide(current.report, policy: verification.policy)
        if current.report.passed { current.lastVerified = content }
        entries[policy.name] = current
        switch decision {
        case .write:
            return Admission(content: content, report: current.report, held: false, probed: probed)
        case .hold:
            return Admission(content: current.lastVerified, report: current.report, held: true, probed: probed)
        }
    }

    public func forget(_ name: String) {
        entries[name] = nil
    }

    private func check(_ content: Data, policy: ClusterPullSecretPolicy, image: String?, now: Date) async -> VerificationReport {
        guard let verifier else {
            return VerificationReport(
                checks: [RegistryCheck(registry: policy.registries.first ?? "-", result: .failed, detail: "this build has no registry probe")],
                checkedAt: now)
        }
        guard let config = try? DockerConfig(parsing: content, format: .dockerConfigJSON) else {
            return VerificationReport(checks: [], checkedAt: now)
        }
        let checks = await verifier.verify(config: config, registries: config.registries, image: image)
        return VerificationReport(checks: checks, checkedAt: now)
    }
}
