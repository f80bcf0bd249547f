// ControllerPermissions: the RBAC rules `regcred controller` needs, derived rule by rule from the
// API calls it makes, and rendered as the ClusterRole and Role that `regcred rbac`, the plain
// manifests and the chart grant. Secrets are granted by name (resourceNames): the controller
// can read and change only the pull secrets it writes, never another Secret.
import Foundation
import RegcredCore

/// One rbac.authorization.k8s.io/v1 PolicyRule, with the call that needs it.
public struct RBACRule: Sendable, Equatable {
    public var apiGroups: [String]
    public var resources: [String]
    public var verbs: [String]
    /// nil: any name.
    public var resourceNames: [String]?
    /// Which of the controller's calls needs this rule.
    public var reason: String

    public init(apiGroups: [String], resources: [String], verbs: [String], resourceNames: [String]? = nil, reason: String) {
        self.apiGroups = apiGroups
        self.resources = resources
        self.verbs = verbs
        self.resourceNames = resourceNames
        self.reason = reason
    }
}

public enum ControllerPermissions {
    /// The names the plain manifests and the chart grant when none are given: the README's example.
    public static let defaultSecretNames = ["regcred-ghcr"]
    public static let roleName = "regcred-controller"

    /// Cluster-wide rules. `secretNames` nil grants the secret verbs for any name (the opt-in
    /// `rbac.secretAccess: all`); otherwise only for those names.
    /// `webhook` (the pod admission webhook is on, with self-managed TLS) adds its configuration's
    /// rule, by name.
    public static func clusterRules(secretNames: [String]?, webhook: WebhookObjectNames? = nil) -> [RBACRule] {
        let names = secretNames.map { Array(Set($0)).sorted() }
        var rules: [RBACRule] = [
            RBACRule(
                apiGroups: ["regcred.dev"], resources: ["clusterpullsecrets"], verbs: ["list", "watch", "update"],
                reason: "the ClusterPullSecret informer (list, watch) and adding or removing regcred's finalizer (update)"),
            RBACRule(
                apiGroups: ["regcred.dev"], resources: ["clusterpullsecrets/status"], verbs: ["patch"],
                reason: "status: conditions, namespace counts, expiry (merge patch)"),
            RBACRule(
                apiGroups: [""], resources: ["namespaces"], verbs: ["list", "watch"],
                reason: "the namespace informer: which namespaces are selected, excluded or terminating, and new ones at once"),
            RBACRule(
                apiGroups: [""], resources: ["serviceaccounts"], verbs: ["get", "list", "watch", "patch"],
                reason: "the service account informer, imagePullSecrets entries added and removed by merge patch, and a fresh read after a conflict (get)"),
            RBACRule(
                apiGroups: [""], resources: ["secrets"], verbs: ["create"],
                reason: "creating the pull secret in each selected namespace"
                    + (webhook == nil ? "" : " and, on first start, the webhook certificate Secret in the controller's namespace")
                    + "; RBAC cannot narrow create by name (the name is not known at authorization time), and create reveals nothing"),
            RBACRule(
                apiGroups: [""], resources: ["secrets"], verbs: ["list", "watch", "patch", "delete"], resourceNames: names,
                reason: names == nil
                    ? "the pull secrets regcred manages, ANY name (rbac.secretAccess: all): the controller can then read every Secret in the cluster"
                    : "the pull secrets regcred manages, only under these names: one list+watch per name (field selector metadata.name), drift repair (patch) and removal (delete)"),
            RBACRule(
                apiGroups: ["events.k8s.io"], resources: ["events"], verbs: ["create"],
                reason: "events about ClusterPullSecrets (they land in the default namespace: cluster-scoped objects)"),
        ]
        if let webhook {
            rules.append(RBACRule(
                apiGroups: ["admissionregistration.k8s.io"], resources: ["mutatingwebhookconfigurations"], verbs: ["get", "list", "watch", "patch"],
                resourceNames: [webhook.configuration],
                reason: "the webhook's caBundle: its configuration followed by name (list+watch with field selector metadata.name), caBundle written by JSON patch (no other field), a fresh read after a conflict (get)"))
        }
        // An empty resourceNames list means every name to RBAC: with no names, grant nothing.
        return rules.filter { $0.resourceNames?.isEmpty != true }
    }

    /// ClusterPullSecret manifests (YAML or JSON, several per file); other kinds are skipped.
    public static func clusterPullSecrets(inManifests text: String, file: String) throws -> [ClusterPullSecret] {
        let documents: [JSONValue]
        do { documents = try JSONValue.documents(in: text) } catch { throw PullSecretDocumentError.syntax("\(file): \(error)") }
        var found: [ClusterPullSecret] = []
        for document in documents {
            let items = document["kind"]?.stringValue == "List" ? document["items"]?.arrayValue ?? [] : [document]
            for item in items where item["kind"]?.stringValue == "ClusterPullSecret" {
                do { found.append(try ClusterPullSecret(json: item)) } catch {
                    throw PullSecretDocumentError.syntax("\(file): \(error)")
                }
            }
        }
        return found
    }

    /// Rules in the controller's own namespace. `webhook` adds the certificate Secret's rule, by
    /// name; creating it is covered by the cluster-wide create (RBAC cannot narrow create by name),
    /// and following it by this namespace's list and watch.
    public static func namespaceRules(webhook: WebhookObjectNames? = nil) -> [RBACRule] {
        var rules = [
            RBACRule(
                apiGroups: [""], resources: ["secrets"], verbs: ["list", "watch"],
                reason: "the source secrets ClusterPullSecrets name (spec.source.*.secretRef): they live in this namespace, which holds only what is put there for regcred"),
            RBACRule(
                apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"],
                reason: "leader election: the Lease is created, renewed and released by the leader and read by the others"),
        ]
        if let webhook {
            rules.append(RBACRule(
                apiGroups: [""], resources: ["secrets"], verbs: ["get", "update"], resourceNames: [webhook.secret],
                reason: "the webhook's CA and serving certificate: renewals and CA rolls by conditional update (resourceVersion), a fresh read after a conflict (get)"))
        }
        return rules
    }

    /// The names `resources` (ClusterPullSecrets) need granted: every name each may have secrets under.
    public static func secretNames(for resources: [ClusterPullSecret]) -> [String] {
        Array(Set(resources.flatMap(\.secretNamesInUse))).sorted()
    }

    /// Why a pass could not run, and the exact fix.
    public static func forbiddenMessage(names: [String]) -> String {
        let quoted = names.map { "\"\($0)\"" }.joined(separator: ", ")
        return "RBAC does not let the controller watch or write secrets named \(quoted); grant them: add \(quoted) to the Helm value managedSecretNames, or to the resourceNames of the secrets rule of the \(roleName) ClusterRole (`regcred rbac | kubectl apply -f -` renders it for every ClusterPullSecret)"
    }

    /// The ClusterRole and the Role (with their bindings) as YAML, every rule commented with why.
    public static func manifest(secretNames: [String]?, namespace: String, serviceAccount: String, webhook: WebhookObjectNames? = nil) -> String {
        var lines = [
            "# RBAC for regcred controller, rendered by `regcred rbac`. Secrets: " + (secretNames.map { "only \($0.sorted().joined(separator: ", "))" } ?? "ANY name"),
            "apiVersion: rbac.authorization.k8s.io/v1",
            "kind: ClusterRole",
            "metadata:",
            "  name: \(roleName)",
            "  labels: {app.kubernetes.io/name: regcred, app.kubernetes.io/component: controller}",
            "rules:",
        ]
        lines += clusterRules(secretNames: secretNames, webhook: webhook).flatMap(yaml)
        lines += [
            "---",
            "apiVersion: rbac.authorization.k8s.io/v1",
            "kind: ClusterRoleBinding",
            "metadata:",
            "  name: \(roleName)",
            "  labels: {app.kubernetes.io/name: regcred, app.kubernetes.io/component: controller}",
            "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: \(roleName)}",
            "subjects:",
            "  - {kind: ServiceAccount, name: \(serviceAccount), namespace: \(namespace)}",
            "---",
            "apiVersion: rbac.authorization.k8s.io/v1",
            "kind: Role",
            "metadata:",
            "  name: \(roleName)",
            "  namespace: \(namespace)",
            "  labels: {app.kubernetes.io/name: regcred, app.kubernetes.io/component: controller}",
            "rules:",
        ]
        lines += namespaceRules(webhook: webhook).flatMap(yaml)
        lines += [
            "---",
            "apiVersion: rbac.authorization.k8s.io/v1",
            "kind: RoleBinding",
            "metadata:",
            "  name: \(roleName)",
            "  namespace: \(namespace)",
            "  labels: {app.kubernetes.io/name: regcred, app.kubernetes.io/component: controller}",
            "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: \(roleName)}",
            "subjects:",
            "  - {kind: ServiceAccount, name: \(serviceAccount), namespace: \(namespace)}",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    private static func yaml(_ rule: RBACRule) -> [String] {
        func list(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        var lines = [
            "  # \(rule.reason)",
            "  - apiGroups: \(list(rule.apiGroups))",
            "    resources: \(list(rule.resources))",
            "    verbs: \(list(rule.verbs))",
        ]
        if let names = rule.resourceNames { lines.append("    resourceNames: \(list(names))") }
        return lines
    }
}
