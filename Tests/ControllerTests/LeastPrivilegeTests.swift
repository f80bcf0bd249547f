// The controller as its own service account with exactly the RBAC `regcred rbac` renders, end to
// end through a kubeconfig (KubeSandbox by default, a real cluster under REGCRED_E2E_KUBECONFIG):
// fan-out, drift repair, rotation and deletion work; no other Secret can be read, listed,
// patched or deleted by that identity; a secretName RBAC does not grant is reported Forbidden
// while another ClusterPullSecret keeps syncing.
import Controller
import Foundation
import KubernetesClient
import Operations
import RegcredCore
import TestPeers
import Testing

/// A service account with the controller's rules (ControllerPermissions), bound cluster-wide and
/// in the controller's namespace, and a client config carrying a token for it.
struct ControllerIdentity {
    let config: ClientConfig
    let clusterObjects: [(Resource, String)]

    static let rbac = "rbac.authorization.k8s.io"
    static let clusterRoles = Resource(group: rbac, version: "v1", plural: "clusterroles", kind: "ClusterRole", namespaced: false)
    static let clusterRoleBindings = Resource(group: rbac, version: "v1", plural: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false)
    static let roles = Resource(group: rbac, version: "v1", plural: "roles", kind: "Role", namespaced: true)
    static let roleBindings = Resource(group: rbac, version: "v1", plural: "rolebindings", kind: "RoleBinding", namespaced: true)

    /// `webhook`: with the rules of the webhook's self-managed certificate for these names.
    static func install(in cluster: ControllerHarness, secretNames: [String], webhook: WebhookObjectNames? = nil) async throws -> ControllerIdentity {
        let namespace = cluster.controllerNamespace
        let name = "\(cluster.id)-controller"
        let account = "regcred"
        _ = try await cluster.client.resource(ServiceAccount.self, namespace: namespace)
            .create(ServiceAccount(metadata: ObjectMeta(name: account, namespace: namespace)))
        func rules(_ rules: [RBACRule]) -> JSONValue {
            .array(rules.map { rule in
                var object: [String: JSONValue] = [
                    "apiGroups": .array(rule.apiGroups.map(JSONValue.string)), "resources": .array(rule.resources.map(JSONValue.string)),
                    "verbs": .array(rule.verbs.map(JSONValue.string)),
                ]
                if let names = rule.resourceNames { object["resourceNames"] = .array(names.map(JSONValue.string)) }
                return .object(object)
            })
        }
        let subject = JSONValue.array([.object(["kind": "ServiceAccount", "name": .string(account), "namespace": .string(namespace)])])
        func create(_ resource: Resource, namespace: String?, _ object: [String: JSONValue]) async throws {
            var body = object
            body["apiVersion"] = "rbac.authorization.k8s.io/v1"
            body["kind"] = .string(resource.kind)
            _ = try await cluster.client.resource(resource, as: UnstructuredObject.self, namespace: namespace)
                .create(try UnstructuredObject(json: .object(body)))
        }
        try await create(clusterRoles, namespace: nil, [
            "metadata": .object(["name": .string(name)]), "rules": rules(ControllerPermissions.clusterRules(secretNames: secretNames, webhook: webhook)),
        ])
        try await create(clusterRoleBindings, namespace: nil, [
            "metadata": .object(["name": .string(name)]), "subjects": subject,
            "roleRef": .object(["apiGroup": .string(rbac), "kind": "ClusterRole", "name": .string(name)]),
        ])
        try await create(roles, namespace: namespace, [
            "metadata": .object(["name": .string(name), "namespace": .string(namespace)]), "rules": rules(ControllerPermissions.namespaceRules(webhook: webhook)),
        ])
        try await create(roleBindings, namespace: namespace, [
            "metadata": .object(["name": .string(name), "namespace": .string(namespace)]), "subjects": subject,
            "roleRef": .object(["apiGroup": .string(rbac), "kind": "Role", "name": .string(name)]),
        ])
        let response = try await cluster.client.send(KubeRequest(
            verb: .create, method: .POST, path: "/api/v1/namespaces/\(namespace)/serviceaccounts/\(account)/token",
            body: JSONValue.object(["apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": .object([:])]).encoded(),
            contentType: "application/json", operation: "create token"))
        let token = try #require(try response.json(operation: "create token")["status"]?["token"]?.stringValue)
        var config = cluster.client.config
        config.credentials = ClientCredentials(bearerToken: Redacted(token))
        config.namespace = namespace
        return ControllerIdentity(config: config, clusterObjects: [(clusterRoleBindings, name), (clusterRoles, name)])
    }

    /// Cluster-scoped objects outlive the test's namespaces: delete them.
    func remove(from cluster: ControllerHarness) async {
        for (resource, name) in clusterObjects {
            try? await cluster.client.resource(resource, as: UnstructuredObject.self, namespace: nil).delete(name)
        }
    }
}

@Suite("The controller with least privilege", .serialized)
struct LeastPrivilegeTests {
    @Test("as its own service account: serves, repairs, rotates and cleans up granted names; cannot touch any other Secret; reports Forbidden for the rest")
    func runsWithRenderedRBAC() async throws {
        try await ControllerHarness.run { cluster in
            let granted = "\(cluster.id)-pull"
            let identity = try await ControllerIdentity.install(in: cluster, secretNames: [granted])
            do {
                try await scenario(cluster, identity: identity, granted: granted)
            } catch {
                await identity.remove(from: cluster)
                throw error
            }
            await identity.remove(from: cluster)
        }
    }

    func scenario(_ cluster: ControllerHarness, identity: ControllerIdentity, granted: String) async throws {
        try await cluster.sourceSecret(password: "t0ken-one")
        let apps = try await cluster.namespace("apps")
        let other = try await cluster.namespace("other", selected: false)
        let decoy = try await cluster.client.resource(Secret.self, namespace: other).create(Secret(
            metadata: ObjectMeta(name: "database", namespace: other), data: ["password": Data("do-not-read".utf8)]))
        let allowed = try await cluster.clusterPullSecret("allowed", registries: ["ghcr.io"], secretName: granted)
        let denied = try await cluster.clusterPullSecret("denied", registries: ["ghcr.io"], secretName: "\(cluster.id)-not-granted")
        let first = try DockerConfig.basic(registries: ["ghcr.io"], username: "robot", password: "t0ken-one").encoded()
        try await cluster.withController(config: identity.config) { _ in
            try await eventually("the granted name is served, SA entry included") {
                let content = await cluster.secret(granted, in: apps)?.data[".dockerconfigjson"]
                let attached = await cluster.pullSecretNames(in: apps)?.contains(granted) == true
                return content == first && attached
            }
            try await eventually("the other ClusterPullSecret is Ready=False, reason Forbidden, naming the fix") {
                let ready = await cluster.status(denied)?.condition("Ready")
                return ready?.reason == "Forbidden" && ready?.message.contains("managedSecretNames") == true
            }
            #expect(await cluster.secret("\(cluster.id)-not-granted", in: apps) == nil)

            // Drift repair and rotation under the granted name.
            let secrets = cluster.client.resource(Secret.self, namespace: apps)
            var edited = try await secrets.get(granted)
            edited.data[".dockerconfigjson"] = Data(#"{"auths":{}}"#.utf8)
            _ = try await secrets.update(edited)
            try await eventually("drift is repaired") { await cluster.secret(granted, in: apps)?.data[".dockerconfigjson"] == first }
            try await cluster.sourceSecret(password: "t0ken-two")
            let second = try DockerConfig.basic(registries: ["ghcr.io"], username: "robot", password: "t0ken-two").encoded()
            try await eventually("a new token rolls out") { await cluster.secret(granted, in: apps)?.data[".dockerconfigjson"] == second }
            #expect(await cluster.status(allowed)?.condition("Ready")?.status == .true)

            // The identity reaches no other Secret.
            let asController = try KubeClient(config: identity.config)
            let foreign = asController.resource(Secret.self, namespace: other)
            for attempt in ["get", "list", "patch", "delete", "list all"] {
                let error = await #expect(throws: KubeAPIError.self, "\(attempt) of a foreign secret must be forbidden") {
                    switch attempt {
                    case "get": _ = try await foreign.get("database")
                    case "list": _ = try await foreign.list()
                    case "patch": _ = try await foreign.patch("database", .merge(.object(["metadata": .object(["labels": .object(["x": "y"])])])))
                    case "delete": try await foreign.delete("database")
                    default: _ = try await asController.resourceInAllNamespaces(Secret.self).list()
                    }
                }
                #expect(error?.reason == .forbidden, "\(attempt)")
            }
            try? await asController.shutdown()
            #expect(try await cluster.client.resource(Secret.self, namespace: other).get("database").metadata.resourceVersion == decoy.metadata.resourceVersion)

            // Deletion cleans up what it wrote.
            try await cluster.client.resource(ClusterPullSecret.self).delete(allowed)
            try await eventually("deleting the ClusterPullSecret removes its secret and SA entry") {
                let gone = await cluster.secret(granted, in: apps) == nil
                let attached = await cluster.pullSecretNames(in: apps)?.contains(granted) == true
                return gone && !attached
            }
        }
    }
}
