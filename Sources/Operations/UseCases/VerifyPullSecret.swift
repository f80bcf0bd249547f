// `verify`: checks every registry entry of a pull secret against its registry (and each given
// image against the entries the kubelet would use for it), one row per check, never a password.
import Foundation
import RegcredCore
import RegistryProbe

/// One check: an entry, optionally with an image the kubelet would pull with it.
public struct VerifyRow: Encodable, Sendable, Equatable {
    /// The docker config key as written; nil for an image that no entry matches.
    public let registry: String?
    public let image: String?
    /// ``ProbeResult/label``, or `bad-auth` / `no-match` for checks that never reach a registry.
    public let result: String
    public let ok: Bool
    public let detail: String
}

public struct VerifyReport: Encodable, Sendable, Equatable {
    public let secret: String?
    public let rows: [VerifyRow]
    public var hasFailures: Bool { rows.contains { !$0.ok } }
}

public enum VerifyPullSecret {
    /// Probes one registry key with a credential (nil: anonymous) and optionally an image.
    /// `RegistryProber.probe` in production; `doctor` and tests pass their own.
    public typealias Probe = @Sendable (_ registry: String, _ credential: Credential?, _ image: ImageReference?) async -> ProbeResult

    /// What to do for one row, decided without I/O.
    public enum Check: Sendable, Equatable {
        case probe(registry: String, credential: Credential?, image: ImageReference?)
        /// The entry's auth field makes the kubelet reject the whole secret; probing is pointless.
        case badAuth(registry: String, image: ImageReference?, detail: String)
        /// No entry matches the image: the kubelet pulls it without credentials.
        case noMatch(image: ImageReference)
    }

    /// The checks for a config: each image with every entry the kubelet would use for it (in
    /// the kubelet's order), then every entry no image matched, alone.
    public static func plan(config: DockerConfig, images: [ImageReference]) -> [Check] {
        var checks: [Check] = []
        var covered: Set<String> = []
        let candidates = config.registries.map { KubeletMatcher.Candidate(key: $0, entry: $0) }
        for image in images {
            let matches = KubeletMatcher.lookup(image, in: candidates).matches
            if matches.isEmpty { checks.append(.noMatch(image: image)) }
            for match in matches {
                covered.insert(match.key)
                checks.append(check(registry: match.key, entry: config.entries[match.key], image: image))
            }
        }
        for registry in config.registries where !covered.contains(registry) {
            checks.append(check(registry: registry, entry: config.entries[registry], image: nil))
        }
        return checks
    }

    private static func check(registry: String, entry: DockerConfigEntry?, image: ImageReference?) -> Check {
        guard let entry else { return .probe(registry: registry, credential: nil, image: image) }
        if entry.authCheck.breaksWholeSecret {
            return .badAuth(registry: registry, image: image, detail: entry.authCheck.description)
        }
        let credential = entry.effectiveCredentials.map { Credential(username: $0.username, password: Redacted($0.password)) }
        return .probe(registry: registry, credential: credential, image: image)
    }

    /// Runs the checks concurrently with `probe`; rows keep the plan's order.
    public static func report(
        document: PullSecretDocument, images: [String], probe: @escaping Probe
    ) async throws(ImageReferenceError) -> VerifyReport {
        var references: [ImageReference] = []
        for text in images { references.append(try ImageReference(parsing: text)) }
        let checks = plan(config: document.config, images: references)
        let rows = await withTaskGroup(of: (Int, VerifyRow).self) { group in
            for (position, check) in checks.enumerated() {
                group.addTask { (position, await row(for: check, probe: probe)) }
            }
            var rows: [(Int, VerifyRow)] = []
            for await row in group { rows.append(row) }
            return rows.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return VerifyReport(secret: document.secretName, rows: rows)
    }

    /// `report` with one `RegistryProber` for the run (connections reused), shut down afterwards.
    public static func run(
        document: PullSecretDocument, images: [String], configuration: ProbeConfiguration = ProbeConfiguration()
    ) async throws -> VerifyReport {
        try await RegistryProber.withProber(configuration: configuration) { prober in
            try await report(document: document, images: images) { registry, credential, image in
                await prober.probe(registry: registry, credential: credential, image: image)
            }
        }
    }

    private static func row(for check: Check, probe: @escaping Probe) async -> VerifyRow {
        switch check {
        case .probe(let registry, let credential, let image):
            let result = await probe(registry, credential, image)
            var detail = result.description
            if result.isSuccess, let image { detail += "; can pull \(image.description)" }
            return VerifyRow(registry: registry, image: image?.description, result: result.label, ok: result.isSuccess, detail: detail)
        case .badAuth(let registry, let image, let detail):
            return VerifyRow(registry: registry, image: image?.description, result: "bad-auth", ok: false, detail: detail)
        case .noMatch(let image):
            return VerifyRow(
                registry: nil, image: image.description, result: "no-match", ok: false,
                detail: "no entry matches \(image.normalizedName); the kubelet pulls it without credentials (see `regcred match`)")
        }
    }

    public static func render(_ report: VerifyReport, as format: ShowOutputFormat) -> String {
        switch format {
        case .json:
            return ReportJSON.render(report)
        case .table:
            let withImages = report.rows.contains { $0.image != nil }
            var table = TextTable(headers: withImages ? ["REGISTRY", "IMAGE", "RESULT", "DETAIL"] : ["REGISTRY", "RESULT", "DETAIL"])
            for row in report.rows {
                let registry = row.registry ?? "<none>"
                table.append(withImages ? [registry, row.image ?? "-", row.result, row.detail] : [registry, row.result, row.detail])
            }
            return table.rendered()
        }
    }
}

extension ProbeConfigurationError: UserFacingError {
    public var kind: FailureKind { .missingInput }
}
