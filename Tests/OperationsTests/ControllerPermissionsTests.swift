// The controller's RBAC is derived from its calls in one place (ControllerPermissions); the
// plain manifests grant exactly that, and Secret access is only ever by name.
import Foundation
import Operations
import RegcredCore
import Testing

@Suite("Controller permissions")
struct ControllerPermissionsTests {
    static let deployDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy")
    static let manifestPath = deployDirectory.appendingPathComponent("regcred.yaml").path
    static let webhookManifestPath = deployDirectory.appendingPathComponent("regcred-webhook.yaml").path

    /// A rule as a comparable value: groups, resources, verbs and names, each sorted.
    struct Rule: Hashable, CustomStringConvertible {
        var apiGroups: [String], resources: [String], verbs: [String], resourceNames: [String]?
        var description: String { "\(apiGroups) \(resources) \(verbs) \(resourceNames ?? ["*"])" }

        init(_ rule: RBACRule) {
            (apiGroups, resources, verbs, resourceNames) = (rule.apiGroups.sorted(), rule.resources.sorted(), rule.verbs.sorted(), rule.resourceNames?.sorted())
        }

        init(_ json: JSONValue) {
            func strings(_ key: String) -> [String] { (json[key]?.arrayValue ?? []).compactMap(\.stringValue).sorted() }
            (apiGroups, resources, verbs) = (strings("apiGroups"), strings("resources"), strings("verbs"))
            resourceNames = json["resourceNames"] == nil ? nil : strings("resourceNames")
        }
    }

    static func manifestRules(kind: String, path: String = manifestPath) throws -> Set<Rule> {
        let documents = try JSONValue.documents(in: String(contentsOfFile: path, encoding: .utf8))
        let role = try #require(documents.first { $0["kind"]?.stringValue == kind })
        return Set((role["rules"]?.arrayValue ?? []).map(Rule.init))
    }

    @Test("deploy/regcred.yaml grants exactly what the controller calls, secrets by name")
    func plainManifestsAreDerived() throws {
        #expect(try Self.manifestRules(kind: "ClusterRole") == Set(ControllerPermissions.clusterRules(secretNames: ControllerPermissions.defaultSecretNames).map(Rule.init)))
        #expect(try Self.manifestRules(kind: "Role") == Set(ControllerPermissions.namespaceRules().map(Rule.init)))
    }

    @Test("deploy/regcred-webhook.yaml adds exactly what the webhook's self-managed certificate calls, both by name")
    func webhookManifestsAreDerived() throws {
        let names = WebhookObjectNames.standard
        #expect(try Self.manifestRules(kind: "ClusterRole", path: Self.webhookManifestPath)
            == Set(ControllerPermissions.clusterRules(secretNames: ControllerPermissions.defaultSecretNames, webhook: names).map(Rule.init)))
        #expect(try Self.manifestRules(kind: "Role", path: Self.webhookManifestPath)
            == Set(ControllerPermissions.namespaceRules(webhook: names).map(Rule.init)))
        // What the webhook adds, as permissions (reasons aside): one rule each, by name.
        let added = Set(ControllerPermissions.clusterRules(secretNames: ["x"], webhook: names).map(Rule.init))
            .subtracting(ControllerPermissions.clusterRules(secretNames: ["x"]).map(Rule.init))
        #expect(added.map(\.resources) == [["mutatingwebhookconfigurations"]])
        #expect(added.allSatisfy { $0.resourceNames == [names.configuration] && $0.verbs == ["get", "list", "patch", "watch"] })
        let namespaced = Set(ControllerPermissions.namespaceRules(webhook: names).map(Rule.init))
            .subtracting(ControllerPermissions.namespaceRules().map(Rule.init))
        #expect(namespaced.map(\.verbs) == [["get", "update"]])
        #expect(namespaced.allSatisfy { $0.resources == ["secrets"] && $0.resourceNames == [names.secret] })
    }

    @Test("no rule reads secrets without names, unless every name is asked for")
    func secretsOnlyByName() {
        for names in [["regcred-ghcr"], ["a", "b"]] {
            let secretRules = ControllerPermissions.clusterRules(secretNames: names).filter { $0.resources.contains("secrets") }
            #expect(secretRules.allSatisfy { $0.verbs == ["create"] || $0.resourceNames == names.sorted() })
            #expect(secretRules.contains { $0.verbs.contains("watch") })
        }
        // An empty resourceNames list means every name to RBAC: with no names nothing is granted.
        let none = ControllerPermissions.clusterRules(secretNames: [])
        #expect(none.filter { $0.resources.contains("secrets") }.map(\.verbs) == [["create"]])
        let all = ControllerPermissions.clusterRules(secretNames: nil)
        #expect(all.contains { $0.resources == ["secrets"] && $0.verbs.contains("watch") && $0.resourceNames == nil })
    }

    @Test("the names to grant include earlier names a ClusterPullSecret is still cleaning up, and defaults")
    func namesFromClusterPullSecrets() throws {
        let manifests = """
            apiVersion: regcred.dev/v1alpha1
            kind: ClusterPullSecret
            metadata: {name: ghcr}
            spec: {registries: [ghcr.io], source: {static: {secretRef: {name: t}}}}
            ---
            apiVersion: regcred.dev/v1alpha1
            kind: ClusterPullSecret
            metadata: {name: quay}
            spec: {registries: [quay.io], secretName: quay-new, source: {static: {secretRef: {name: t}}}}
            status: {secretNames: [quay-new, quay-old]}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: ignored}
            """
        let resources = try ControllerPermissions.clusterPullSecrets(inManifests: manifests, file: "cps.yaml")
        #expect(ControllerPermissions.secretNames(for: resources) == ["quay-new", "quay-old", "regcred-ghcr"])
    }

    @Test("the Forbidden message names the secret and the fix")
    func forbiddenMessage() {
        let message = ControllerPermissions.forbiddenMessage(names: ["regcred-x"])
        #expect(message.contains(#""regcred-x""#) && message.contains("managedSecretNames") && message.contains("regcred rbac"))
    }
}
