// The rules of `regcred scan`, without a cluster: one finding per kind of trouble, nothing for
// a namespace in order, and the report's order, filter and summary.
import Foundation
import Testing

@testable import RegcredCore

@Suite("ClusterScan")
struct ClusterScanTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func pullSecret(_ json: String) -> ObservedPullSecret {
        ObservedPullSecret(type: "kubernetes.io/dockerconfigjson", data: [".dockerconfigjson": Data(json.utf8)])
    }

    static func entry(_ host: String, _ username: String, _ password: String) -> String {
        #"{"auths":{"\#(host)":{"auth":"\#(BasicAuthField.encode(username: username, password: password))"}}}"#
    }

    static func pod(_ name: String, image: String, pullSecrets: [String], kind: String = "pod", account: String? = nil) -> ClusterScanInput.PodObservation {
        ClusterScanInput.PodObservation(
            kind: kind, name: name, serviceAccount: account, pullSecrets: pullSecrets,
            containers: [.init(name: "app", kind: .container, image: image)])
    }

    static func scan(_ namespace: ClusterScanInput.Namespace) -> ClusterScanReport {
        ClusterScan.scan(ClusterScanInput(namespaces: [namespace], now: now))
    }

    @Test("a namespace in order reports nothing")
    func clean() {
        let report = Self.scan(.init(
            name: "ok", secrets: ["ghcr": Self.pullSecret(Self.entry("ghcr.io", "bot", "t0ken"))], serviceAccounts: ["default": ["ghcr"]],
            pods: [Self.pod("app", image: "ghcr.io/org/app:1", pullSecrets: ["ghcr"]), Self.pod("web", image: "nginx", pullSecrets: [], kind: "deployment")]))
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.summary == "scanned 1 namespace, 1 pod, 1 workload, 1 pull secret, 1 service account: 0 errors, 0 warnings, 0 info")
    }

    @Test("a refused secret is one error naming the pods it breaks, with the fix for its entry")
    func refused() throws {
        let report = Self.scan(.init(
            name: "apps", secrets: ["bad": Self.pullSecret(#"{"auths":{"ghcr.io":{"username":"bot","auth":"!!"}}}"#)],
            serviceAccounts: [:],
            pods: [Self.pod("a", image: "nginx", pullSecrets: ["bad"]), Self.pod("b", image: "ghcr.io/x/y", pullSecrets: ["bad"])]))
        let finding = try #require(report.findings.first { $0.code == "secret-refused" })
        #expect(finding.severity == .error)
        #expect(finding.affects == ["pod/a", "pod/b"])
        #expect(finding.fix == ["regcred update bad --registry ghcr.io --username bot --password-stdin -n apps"])
        #expect(!report.findings.contains { $0.code == "keyring-refused" || $0.code == "secret-malformed" }, "reported once, on the secret")
    }

    @Test("each kind of trouble has its code and severity", arguments: [
        ("expired token", "credentials-expired", ScanFinding.Severity.error),
        ("auth mismatch", "auth-mismatch", .warning),
        ("missing reference", "secret-missing", .error),
        ("service account naming a missing secret", "service-account-secret-missing", .warning),
        ("unreferenced", "secret-unreferenced", .info),
        ("uncopied list", "service-account-list-not-copied", .error),
    ])
    func kinds(label: String, code: String, severity: ScanFinding.Severity) throws {
        let expiredJWT = "eyJhbGciOiJub25lIn0." + Data(#"{"exp":1000000000}"#.utf8).base64EncodedString() + ".c2ln"
        let stale = #"{"auths":{"quay.io":{"username":"bot","password":"new","auth":"\#(BasicAuthField.encode(username: "bot", password: "old"))"}}}"#
        let namespace: ClusterScanInput.Namespace
        switch label {
        case "expired token":
            namespace = .init(name: "n", secrets: ["s": Self.pullSecret(Self.entry("ghcr.io", "bot", expiredJWT))], serviceAccounts: ["default": ["s"]], pods: [])
        case "auth mismatch":
            namespace = .init(name: "n", secrets: ["s": Self.pullSecret(stale)], serviceAccounts: ["default": ["s"]], pods: [])
        case "missing reference":
            namespace = .init(name: "n", secrets: [:], serviceAccounts: [:], pods: [Self.pod("p", image: "ghcr.io/a/b", pullSecrets: ["absent"])])
        case "service account naming a missing secret":
            namespace = .init(name: "n", secrets: [:], serviceAccounts: ["builder": ["gone"]], pods: [])
        case "unreferenced":
            namespace = .init(name: "n", secrets: ["s": Self.pullSecret(Self.entry("ghcr.io", "bot", "t"))], serviceAccounts: [:], pods: [])
        default:
            namespace = .init(
                name: "n", secrets: ["s": Self.pullSecret(Self.entry("ghcr.io", "bot", "t"))], serviceAccounts: ["builder": ["s"]],
                pods: [Self.pod("early", image: "ghcr.io/a/b", pullSecrets: [], account: "builder")])
        }
        let report = Self.scan(namespace)
        let finding = try #require(report.findings.first { $0.code == code }, "\(report.findings.map(\.code))")
        #expect(finding.severity == severity)
        #expect(!finding.fix.isEmpty || code == "secret-missing")
    }

    @Test("--severity keeps findings at or above it; findings are sorted for stable output")
    func filterAndOrder() {
        let report = Self.scan(.init(
            name: "n", secrets: ["z": Self.pullSecret(Self.entry("ghcr.io", "bot", "t")), "a": Self.pullSecret(Self.entry("quay.io", "bot", "t"))],
            serviceAccounts: ["sa": ["gone"]], pods: []))
        #expect(report.findings.map(\.object) == ["secret/a", "secret/z", "serviceaccount/sa"])
        #expect(report.filtered(minimum: .warning).findings.map(\.code) == ["service-account-secret-missing"])
        #expect(report.filtered(minimum: .error).findings.isEmpty)
    }
}
