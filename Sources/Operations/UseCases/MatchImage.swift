// `match`: which entries the kubelet would try for an image, in order, and why the others do not.
import Foundation
import RegcredCore

/// One registry entry's verdict for an image.
public struct MatchRow: Encodable, Sendable, Equatable {
    /// 1-based position in the kubelet's try order, or nil when the entry is not tried.
    public let order: Int?
    public let registry: String
    public let indexKey: String?
    public let matched: Bool
    public let reason: String
}

public struct MatchReport: Encodable, Sendable, Equatable {
    public let image: String
    public let normalizedImage: String
    public let entries: [MatchRow]
    public var hasMatch: Bool { entries.contains(where: \.matched) }
}

public enum MatchImage {
    public static func report(image text: String, config: DockerConfig) throws(ImageReferenceError) -> MatchReport {
        let image = try ImageReference(parsing: text)
        let candidates = config.registries.map { KubeletMatcher.Candidate(key: $0, entry: $0) }
        let outcome = KubeletMatcher.lookup(image, in: candidates)
        var rows: [MatchRow] = []
        for (position, match) in outcome.matches.enumerated() {
            rows.append(MatchRow(order: position + 1, registry: match.key, indexKey: match.indexKey, matched: true, reason: match.verdict.description))
        }
        for other in outcome.others {
            rows.append(MatchRow(order: nil, registry: other.key, indexKey: other.indexKey, matched: false, reason: other.verdict.description))
        }
        return MatchReport(image: text, normalizedImage: image.normalizedName, entries: rows)
    }

    public static func render(_ report: MatchReport, as format: ShowOutputFormat) -> String {
        switch format {
        case .json:
            return ReportJSON.render(report)
        case .table:
            var table = TextTable(headers: ["ORDER", "REGISTRY", "MATCH", "REASON"])
            for row in report.entries {
                table.append([row.order.map(String.init) ?? "-", row.registry, row.matched ? "yes" : "no", row.reason])
            }
            var text = "image \(report.image) → \(report.normalizedImage)\n" + table.rendered()
            if !report.hasMatch {
                text += "no entry matches: the kubelet pulls \(report.normalizedImage) anonymously\n"
            }
            return text
        }
    }
}
