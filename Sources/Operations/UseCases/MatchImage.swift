// `match`: which entries of a pod's pull secrets the kubelet would try for an image, in its
// order, and why the others do not — or that it refuses a secret and so pulls nothing at all.
import Foundation
import KubernetesClient
import RegcredCore

/// One pull secret offered to `match`, read as the kubelet reads it.
public struct MatchSource: Sendable {
    /// The secret's name (or the file it came from), as rows name it.
    public let name: String
    public let reading: Result<KubeletDockerConfig, KubeletRefusal>

    public init(name: String, reading: Result<KubeletDockerConfig, KubeletRefusal>) {
        self.name = name
        self.reading = reading
    }

    public init(name: String, secret: KubeletPullSecret) {
        self.init(name: name, reading: secret.reading)
    }
}

/// One registry entry's verdict for an image.
public struct MatchRow: Encodable, Sendable, Equatable {
    /// 1-based position in the kubelet's try order, or nil when the entry is not tried.
    public let order: Int?
    /// The secret (or file) the entry belongs to.
    public let secret: String
    public let registry: String
    public let indexKey: String?
    public let matched: Bool
    public let reason: String
    /// For matched entries: the username the kubelet sends, and a fingerprint of the password.
    public let username: String?
    public let passwordFingerprint: String?
}

/// A secret the kubelet refuses as a whole; `entry` is the registry key at fault, if one is.
public struct RefusedSecret: Encodable, Sendable, Equatable {
    public let secret: String
    public let entry: String?
    public let reason: String
}

public struct MatchReport: Encodable, Sendable, Equatable {
    public let image: String
    public let normalizedImage: String
    /// The kubelet version whose rules were applied (``KubeletVersion``).
    public let kubeletVersion: String
    /// The secrets in the order given: the order of the pod's `imagePullSecrets`.
    public let secrets: [String]
    public let entries: [MatchRow]
    /// Secrets the kubelet refuses: then it builds no keyring and every pull of the pod fails.
    public let refused: [RefusedSecret]
    /// True when the kubelet would send at least one credential.
    public var hasMatch: Bool { refused.isEmpty && entries.contains(where: \.matched) }
    public var pullFails: Bool { !refused.isEmpty }

    private enum CodingKeys: String, CodingKey { case image, normalizedImage, kubeletVersion, secrets, entries, refused, pullFails }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(image, forKey: .image)
        try container.encode(normalizedImage, forKey: .normalizedImage)
        try container.encode(kubeletVersion, forKey: .kubeletVersion)
        try container.encode(secrets, forKey: .secrets)
        try container.encode(entries, forKey: .entries)
        try container.encode(refused, forKey: .refused)
        try container.encode(pullFails, forKey: .pullFails)
    }
}

public enum MatchImage {
    /// Pull secrets read from the cluster by name, in the order given (one GET each).
    public static func sources(names: [String], connection: ClusterConnection) async throws -> [MatchSource] {
        zip(names, try await kubeletSecrets(names: names, connection: connection)).map { MatchSource(name: $0, secret: $1) }
    }

    /// Pull secrets read from the cluster by name, as the kubelet reads them.
    public static func kubeletSecrets(names: [String], connection: ClusterConnection) async throws -> [KubeletPullSecret] {
        try await connection.withClient { client in
            let namespace = connection.namespace ?? client.config.namespace
            let secrets = client.resource(Secret.self, namespace: namespace)
            var read: [KubeletPullSecret] = []
            for name in names {
                let manifest = try PullSecretsInCluster.manifest(of: try await secrets.get(name), namespace: namespace, name: name)
                read.append(try KubeletPullSecret(document: manifest))
            }
            return read
        }
    }

    /// The kubelet's lookup over every secret's entries (`MakeDockerKeyring`: one keyring from
    /// all of the pod's pull secrets, in their order; within one secret Go's map order is
    /// random, so keys are taken sorted).
    public static func report(
        image text: String, sources: [MatchSource], kubelet: KubeletVersion = .newest
    ) throws(ImageReferenceError) -> MatchReport {
        let image = try ImageReference(parsing: text)
        var refused: [RefusedSecret] = []
        var candidates: [KubeletMatcher.Candidate<(secret: String, entry: KubeletDockerConfig.Entry)>] = []
        for source in sources {
            switch source.reading {
            case .failure(let refusal):
                refused.append(RefusedSecret(secret: source.name, entry: refusal.registry, reason: refusal.description))
            case .success(let config):
                for key in config.registries {
                    candidates.append(.init(key: key, entry: (source.name, config.entries[key]!)))
                }
            }
        }
        let outcome = KubeletMatcher.lookup(image, in: candidates, kubelet: kubelet)
        var rows: [MatchRow] = []
        for (position, match) in outcome.matches.enumerated() {
            rows.append(MatchRow(
                order: refused.isEmpty ? position + 1 : nil, secret: match.entry.secret, registry: match.key, indexKey: match.indexKey,
                matched: true, reason: match.verdict.description, username: match.entry.entry.username,
                passwordFingerprint: SecretFingerprint.of(match.entry.entry.password.value)))
        }
        for other in outcome.others {
            rows.append(MatchRow(
                order: nil, secret: other.entry.secret, registry: other.key, indexKey: other.indexKey, matched: false,
                reason: other.verdict.description, username: nil, passwordFingerprint: nil))
        }
        return MatchReport(
            image: text, normalizedImage: image.normalizedName, kubeletVersion: kubelet.rawValue, secrets: sources.map(\.name), entries: rows,
            refused: refused)
    }

    public static func render(_ report: MatchReport, as format: ShowOutputFormat) -> String {
        switch format {
        case .json:
            return ReportJSON.render(report)
        case .table:
            let several = report.secrets.count > 1
            var table = TextTable(headers: (several ? ["ORDER", "SECRET"] : ["ORDER"]) + ["REGISTRY", "MATCH", "REASON"])
            for row in report.entries {
                let order = row.order.map(String.init) ?? "-"
                let registry = row.registry.isEmpty ? #""""# : row.registry
                table.append((several ? [order, row.secret] : [order]) + [registry, row.matched ? "yes" : "no", row.reason])
            }
            var text = "image \(report.image) → \(report.normalizedImage)\n"
            for refusal in report.refused {
                text += "refused: secret \(refusal.secret): \(refusal.reason)\n"
            }
            if !report.refused.isEmpty {
                text += "the kubelet builds no keyring, so this pull fails before any entry is tried"
                text += report.entries.isEmpty ? "\n" : "; once fixed, it would try:\n"
            }
            if !report.entries.isEmpty || report.refused.isEmpty { text += table.rendered() }
            if report.refused.isEmpty, !report.hasMatch {
                text += "no entry matches: the kubelet pulls \(report.normalizedImage) anonymously\n"
            }
            return text
        }
    }
}
