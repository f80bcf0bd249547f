// `regcred rbac`: the least-privilege rules for the ClusterPullSecrets in files or in a cluster.
import Foundation
import RegcredCore
import TestPeers
import Testing

@Suite("regcred rbac")
struct RBACCommandTests {
    static let manifests = """
        apiVersion: regcred.dev/v1alpha1
        kind: ClusterPullSecret
        metadata: {name: ghcr}
        spec: {registries: [ghcr.io], source: {static: {secretRef: {name: t}}}}
        ---
        apiVersion: regcred.dev/v1alpha1
        kind: ClusterPullSecret
        metadata: {name: quay}
        spec: {registries: [quay.io], secretName: quay-pull, source: {static: {secretRef: {name: t}}}}
        """

    func strings(_ value: JSONValue?) -> [String]? { value?.arrayValue?.compactMap(\.stringValue) }

    func secretRules(_ yaml: String) throws -> [JSONValue] {
        let role = try #require(try JSONValue.documents(in: yaml).first { $0["kind"]?.stringValue == "ClusterRole" })
        return (role["rules"]?.arrayValue ?? []).filter { $0["resources"]?.arrayValue?.contains("secrets") == true }
    }

    @Test("-f: Secret access only for the names the ClusterPullSecrets use (default names too), create cluster-wide")
    func fromFiles() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(Self.manifests, to: "cps.yaml")
            let outcome = try await regcred.run(["rbac", "-f", file, "--controller-namespace", "ops"])
            #expect(outcome.status == 0, "\(outcome.summary)")
            let rules = try secretRules(outcome.standardOutput)
            #expect(rules.count == 2)
            #expect(rules.contains { strings($0["verbs"]) == ["create"] && $0["resourceNames"] == nil })
            #expect(rules.contains { strings($0["verbs"]) == ["list", "watch", "patch", "delete"] && strings($0["resourceNames"]) == ["quay-pull", "regcred-ghcr"] })
            let documents = try JSONValue.documents(in: outcome.standardOutput)
            #expect(documents.map { $0["kind"]?.stringValue ?? "" } == ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"])
            #expect(documents.first { $0["kind"] == "Role" }?["metadata"]?["namespace"] == "ops")
        }
    }

    @Test("--all-secret-names is the explicit opt-in for any name; it does not mix with names")
    func allNames() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let outcome = try await regcred.run(["rbac", "--all-secret-names"])
            #expect(outcome.status == 0, "\(outcome.summary)")
            #expect(try secretRules(outcome.standardOutput).contains { strings($0["verbs"]) == ["list", "watch", "patch", "delete"] && $0["resourceNames"] == nil })
            let mixed = try await regcred.run(["rbac", "--all-secret-names", "--secret-name", "x"])
            #expect(mixed.status == 64)
        }
    }

    @Test("--webhook adds the webhook configuration and the certificate Secret, each by name (custom names with the webhook flags); a bad name is a usage error")
    func webhook() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let plain = try await regcred.run(["rbac", "--secret-name", "regcred-ghcr"])
            #expect(!plain.standardOutput.contains("mutatingwebhookconfigurations"))
            let outcome = try await regcred.run(["rbac", "--secret-name", "regcred-ghcr", "--webhook", "--webhook-secret-name", "hook-tls"])
            #expect(outcome.status == 0, "\(outcome.summary)")
            let documents = try JSONValue.documents(in: outcome.standardOutput)
            let clusterRules = documents.first { $0["kind"] == "ClusterRole" }?["rules"]?.arrayValue ?? []
            let configuration = try #require(clusterRules.first { strings($0["resources"]) == ["mutatingwebhookconfigurations"] })
            #expect(strings(configuration["verbs"]) == ["get", "list", "watch", "patch"])
            #expect(strings(configuration["resourceNames"]) == ["regcred"])
            let roleRules = documents.first { $0["kind"] == "Role" }?["rules"]?.arrayValue ?? []
            #expect(roleRules.contains { strings($0["verbs"]) == ["get", "update"] && strings($0["resourceNames"]) == ["hook-tls"] })
            let bad = try await regcred.run(["rbac", "--webhook", "--webhook-configuration-name", "Not_A_Name"])
            #expect(bad.status == 64)
        }
    }
}
