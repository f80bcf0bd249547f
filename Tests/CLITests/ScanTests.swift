// `regcred scan` end to end, through a kubeconfig: a namespace seeded with one of each finding
// and a clean namespace that must report nothing; exit codes, -o json and --severity.
import Foundation
import TestPeers
import Testing

@Suite("regcred scan", .serialized, .enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/kubectl"), "the cluster helper uses kubectl"))
struct ScanTests {
    static let canary = BadInputFixtures.canary

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    static func pullSecret(_ name: String, namespace: String, config: String) -> String {
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: \(name), namespace: \(namespace)}
        type: kubernetes.io/dockerconfigjson
        data: {.dockerconfigjson: \(base64(config))}
        """
    }

    static func entry(_ host: String, username: String, password: String, auth: String? = nil) -> String {
        #"{"auths":{"\#(host)":{"username":"\#(username)","password":"\#(password)","auth":"\#(auth ?? base64(username + ":" + password))"}}}"#
    }

    static func pod(_ name: String, namespace: String, image: String, pullSecrets: [String], serviceAccount: String = "default") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
          serviceAccountName: \(serviceAccount)
          imagePullSecrets: [\(pullSecrets.map { "{name: \($0)}" }.joined(separator: ", "))]
          containers: [{name: app, image: "\(image)"}]
        """
    }

    static func serviceAccount(_ name: String, namespace: String, pullSecrets: [String]) -> String {
        """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: \(name), namespace: \(namespace)}
        imagePullSecrets: [\(pullSecrets.map { "{name: \($0)}" }.joined(separator: ", "))]
        """
    }

    static func deployment(_ name: String, namespace: String, image: String, pullSecrets: [String]) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}}
            spec:
              imagePullSecrets: [\(pullSecrets.map { "{name: \($0)}" }.joined(separator: ", "))]
              containers: [{name: app, image: "\(image)"}]
        """
    }

    /// One of each finding in `broken`; nothing wrong in `clean`.
    static func seed(broken: String, clean: String) -> String {
        let good = entry("ghcr.io", username: "bot", password: canary)
        let documents = [
            // broken: a secret the kubelet refuses, and the pod it breaks
            pullSecret("refused", namespace: broken, config: #"{"auths":{"ghcr.io":{"auth":"%%\#(canary)%%"}}}"#),
            pod("uses-refused", namespace: broken, image: "nginx:1.27", pullSecrets: ["refused"]),
            // auth disagreeing with the password field; an expired token (both listed by the default service account)
            pullSecret("stale-auth", namespace: broken, config: entry("quay.io", username: "bot", password: canary, auth: base64("bot:old"))),
            pullSecret("expired", namespace: broken, config: entry("registry.example.com", username: "bot", password: BadInputFixtures.expiredToken)),
            // an image no credential serves: the key has a port, the image none
            pullSecret("port", namespace: broken, config: entry("private.example.com:5000", username: "bot", password: canary)),
            pod("near-miss", namespace: broken, image: "private.example.com/team/app:1", pullSecrets: ["port"]),
            deployment("web", namespace: broken, image: "private.example.com/team/web:2", pullSecrets: ["port"]),
            // references to a missing and to a wrong-type secret
            pod("missing-ref", namespace: broken, image: "ghcr.io/org/app:1", pullSecrets: ["absent"]),
            "apiVersion: v1\nkind: Secret\nmetadata: {name: opaque, namespace: \(broken)}\ntype: Opaque\ndata: {token: \(base64(canary))}",
            pod("wrong-type", namespace: broken, image: "ghcr.io/org/app:1", pullSecrets: ["opaque"]),
            // a pod created before its service account got its pull secret
            pullSecret("builder-pull", namespace: broken, config: good),
            serviceAccount("builder", namespace: broken, pullSecrets: ["builder-pull", "gone"]),
            pod("too-early", namespace: broken, image: "ghcr.io/org/builder:1", pullSecrets: [], serviceAccount: "builder"),
            // a pull secret nothing references
            pullSecret("orphan", namespace: broken, config: good),
            // clean: a secret, the default service account listing it (patched below), a pod and a deployment using it, a public image
            pullSecret("ghcr", namespace: clean, config: good),
            pod("app", namespace: clean, image: "ghcr.io/org/app:1", pullSecrets: ["ghcr"]),
            pod("public", namespace: clean, image: "nginx:1.27", pullSecrets: ["ghcr"]),
            deployment("api", namespace: clean, image: "ghcr.io/org/api:3", pullSecrets: ["ghcr"]),
        ]
        return documents.joined(separator: "\n---\n") + "\n"
    }

    static let expected: [(code: String, object: String)] = [
        ("secret-refused", "secret/refused"),
        ("auth-mismatch", "secret/stale-auth"),
        ("credentials-expired", "secret/expired"),
        ("no-credentials", "pod/near-miss"),
        ("no-credentials", "deployment/web"),
        ("secret-missing", "pod/missing-ref"),
        ("secret-wrong-type", "pod/wrong-type"),
        ("service-account-list-not-copied", "pod/too-early"),
        ("service-account-secret-missing", "serviceaccount/builder"),
        ("secret-unreferenced", "secret/orphan"),
    ]

    struct Report: Decodable {
        struct Finding: Decodable {
            let code: String
            let severity: String
            let namespace: String
            let object: String
            let message: String
            let affects: [String]
            let fix: [String]
        }
        let findings: [Finding]
        let counts: [String: Int]
        let summary: String
        let clean: Bool
    }

    @Test("one of each finding in a seeded namespace, nothing in a clean one; exit 1, then 0 for the clean namespace alone")
    func seededCluster() async throws {
        try await CLICluster.run { cluster in
            let clean = cluster.namespace + "-clean"
            #expect(try await cluster.kubectl(["create", "namespace", clean]).status == 0)
            let manifests = try cluster.directory.write(Self.seed(broken: cluster.namespace, clean: clean), to: "seed.yaml")
            let applied = try await cluster.kubectl(["create", "--validate=false", "-f", manifests])
            try #require(applied.status == 0, "\(applied.summary)")
            // Every namespace has its default service account already: patch it.
            for (namespace, list) in [(cluster.namespace, ["stale-auth", "expired"]), (clean, ["ghcr"])] {
                let names = list.map { #"{"name":"\#($0)"}"# }.joined(separator: ",")
                let patched = try await cluster.kubectl(
                    ["patch", "serviceaccount", "default", "-n", namespace, "-p", #"{"imagePullSecrets":[\#(names)]}"#])
                try #require(patched.status == 0, "\(patched.summary)")
            }

            await cluster.sandbox?.resetRequestCounts()
            let all = try await cluster.regcred.run(["scan", "-A", "-o", "json", "--kubeconfig", cluster.kubeconfig])
            #expect(all.status == 1, "\(all.summary)")
            if let sandbox = cluster.sandbox {
                // Lists only: one per resource, no per-object reads.
                for resource in ["secrets", "serviceaccounts", "pods", "deployments", "statefulsets", "daemonsets", "jobs", "cronjobs"] {
                    #expect(await sandbox.requestCount(verb: "list", resource: resource) == 1, "list \(resource)")
                    #expect(await sandbox.requestCount(verb: "get", resource: resource) == 0, "get \(resource)")
                }
            }
            let report = try JSONDecoder().decode(Report.self, from: all.standardOutputData)
            let mine = report.findings.filter { $0.namespace == cluster.namespace }
            for (code, object) in Self.expected {
                #expect(mine.contains { $0.code == code && $0.object == object }, "missing \(code) on \(object): \(mine.map { "\($0.code) \($0.object)" })")
            }
            #expect(report.findings.filter { $0.namespace == clean }.isEmpty, "the clean namespace: \(report.findings.filter { $0.namespace == clean }.map(\.message))")
            let refused = try #require(mine.first { $0.code == "secret-refused" })
            #expect(refused.affects == ["pod/uses-refused"])
            #expect(refused.severity == "error")
            #expect(refused.fix.first?.hasPrefix("regcred update refused --registry ghcr.io") == true, "\(refused.fix)")
            let fixed = Set(mine.filter { !$0.fix.isEmpty }.map(\.object))
            #expect(Set(mine.map(\.object)).isSubset(of: fixed), "every object with a finding gets a fix: \(Set(mine.map(\.object)).subtracting(fixed))")
            #expect(!all.standardOutput.contains(Self.canary) && !all.standardError.contains(Self.canary))
            #expect(report.summary.hasPrefix("scanned "))
            #expect(!report.clean)

            let onlyClean = try await cluster.regcred.run(["scan", "-n", clean, "--kubeconfig", cluster.kubeconfig])
            #expect(onlyClean.status == 0, "\(onlyClean.summary)")
            #expect(onlyClean.standardOutput.contains("0 errors, 0 warnings, 0 info"), "\(onlyClean.summary)")

            let errorsOnly = try await cluster.regcred(["scan", "--severity", "error", "-o", "json"])
            let errors = try JSONDecoder().decode(Report.self, from: errorsOnly.standardOutputData)
            #expect(errors.findings.allSatisfy { $0.severity == "error" } && !errors.findings.isEmpty, "\(errorsOnly.summary)")

            let table = try await cluster.regcred(["scan"])
            #expect(table.status == 1)
            #expect(table.standardOutput.contains("fix: "), "\(table.summary)")
            _ = try await cluster.kubectl(["delete", "namespace", clean, "--wait=false"])
        }
    }

    @Test("-A and -n together are a usage error")
    func flags() async throws {
        try await TemporaryDirectory.with { directory in
            let outcome = try await RegcredProcess(in: directory).run(["scan", "-A", "-n", "apps"])
            #expect(outcome.status == 64, "\(outcome.summary)")
        }
    }
}
