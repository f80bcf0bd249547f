// The result of `doctor`: a verdict per image, the pull secrets as the kubelet sees them,
// what is wrong, and the commands that fix it. Encodes as the `-o json` report.
import Foundation

/// One thing found, with the commands that fix it (none for notes that need no action).
public struct DiagnosisFinding: Sendable, Equatable, Encodable {
    public enum Severity: String, Sendable, Codable {
        /// Makes a pull fail: `doctor` exits 1.
        case problem
        /// Worth knowing, does not fail a pull by itself.
        case note
    }

    /// A stable identifier for scripts: `secret-missing`, `credentials-expired`, …
    public let code: String
    public var severity: Severity
    public let message: String
    public let fix: [String]

    public init(code: String, severity: Severity, message: String, fix: [String] = []) {
        self.code = code
        self.severity = severity
        self.message = message
        self.fix = fix
    }
}

/// One matching entry, in the order the kubelet tries them. Never carries the password.
public struct CredentialUse: Sendable, Equatable, Encodable {
    public let secret: String
    public let registryKey: String
    /// 1-based position in the kubelet's try order.
    public let order: Int
    public let username: String?
    /// ``AuthCheck/label`` of the entry.
    public let auth: String
    public let expiresAt: Date?
    /// False when expired, empty, or only an identity token.
    public let usable: Bool
    /// Set by `--verify`: ok, rejected, no-pull-permission, or inconclusive: detail.
    public var verification: String?
}

public struct ImageDiagnosis: Sendable, Equatable, Encodable {
    public enum Status: String, Sendable, Codable {
        /// At least one usable credential matches (and, with --verify, the registry accepted one).
        case ok
        /// No credential matches and nothing suggests one was meant to: pulled anonymously,
        /// which works for public images.
        case anonymous
        case problem
    }

    public let container: String
    public let kind: PullDiagnosisInput.ContainerImage.Kind
    public let image: String
    /// `docker.io/library/nginx`: the name the kubelet matches keys against; nil when invalid.
    public let normalizedImage: String?
    public internal(set) var status: Status
    public internal(set) var credentials: [CredentialUse]
    public let nearMisses: [NearMiss]
    public internal(set) var findings: [DiagnosisFinding]

    /// `init:migrate` or `app`.
    public var label: String { kind == .container ? container : "\(kind.rawValue):\(container)" }
}

public struct PullDiagnosis: Sendable, Equatable, Encodable {
    /// Where the list of pull secrets comes from: `pod`, `service-account` or `files`.
    public let pullSecretSource: String
    public let namespace: String?
    public let pod: String?
    public let serviceAccount: String?
    public let secrets: [PullSecretVerdict]
    public internal(set) var images: [ImageDiagnosis]
    /// Findings about the pod as a whole: its pull secret list and the secrets in it.
    public internal(set) var findings: [DiagnosisFinding]

    /// True when every image can be pulled as far as regcred can tell.
    public var isHealthy: Bool {
        !images.contains { $0.status == .problem } && !findings.contains { $0.severity == .problem }
    }

    /// The fix commands of every problem, in order, each once.
    public var fixes: [String] {
        var seen = Set<String>()
        let all = (findings + images.flatMap(\.findings)).filter { $0.severity == .problem }.flatMap(\.fix)
        return all.filter { seen.insert($0).inserted }
    }

    private enum CodingKeys: String, CodingKey {
        case pullSecretSource, namespace, pod, serviceAccount, secrets, images, findings, fixes, healthy
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(pullSecretSource, forKey: .pullSecretSource)
        try container.encodeIfPresent(namespace, forKey: .namespace)
        try container.encodeIfPresent(pod, forKey: .pod)
        try container.encodeIfPresent(serviceAccount, forKey: .serviceAccount)
        try container.encode(secrets, forKey: .secrets)
        try container.encode(images, forKey: .images)
        try container.encode(findings, forKey: .findings)
        try container.encode(fixes, forKey: .fixes)
        try container.encode(isHealthy, forKey: .healthy)
    }
}
