// RBACObjects: the rules a service account holds through the Roles, ClusterRoles, RoleBindings
// and ClusterRoleBindings stored in the sandbox, resolved as the API server's RBAC authorizer
// does: a ClusterRoleBinding grants its ClusterRole everywhere; a RoleBinding grants its Role
// (or a ClusterRole) only in the binding's namespace. Subjects match by service account, or by
// the groups every service account is in.
import RegcredCore

enum RBACObjects {
    static let group = "rbac.authorization.k8s.io"

    /// The groups the API server puts a service account's requests in.
    static func groups(ofServiceAccountIn namespace: String) -> Set<String> {
        ["system:serviceaccounts", "system:serviceaccounts:\(namespace)", "system:authenticated"]
    }

    /// Every rule bound to the service account `namespace/name`.
    static func rules(
        forServiceAccount name: String, in namespace: String, roles: [ObjectKey: JSONValue], clusterRoles: [ObjectKey: JSONValue],
        roleBindings: [ObjectKey: JSONValue], clusterRoleBindings: [ObjectKey: JSONValue]
    ) -> [PolicyRule] {
        let groups = groups(ofServiceAccountIn: namespace)
        func binds(_ binding: JSONValue, defaultNamespace: String?) -> Bool {
            (binding["subjects"]?.arrayValue ?? []).contains { subject in
                switch subject["kind"]?.stringValue {
                case "ServiceAccount":
                    subject["name"]?.stringValue == name && (subject["namespace"]?.stringValue ?? defaultNamespace) == namespace
                case "Group":
                    groups.contains(subject["name"]?.stringValue ?? "")
                case "User":
                    subject["name"]?.stringValue == "system:serviceaccount:\(namespace):\(name)"
                default:
                    false
                }
            }
        }
        var rules: [PolicyRule] = []
        for binding in clusterRoleBindings.values where binds(binding, defaultNamespace: nil) {
            guard binding["roleRef"]?["kind"]?.stringValue == "ClusterRole", let role = binding["roleRef"]?["name"]?.stringValue,
                let object = clusterRoles[ObjectKey(namespace: "", name: role)]
            else { continue }
            rules += policyRules(of: object, namespaces: nil)
        }
        for (key, binding) in roleBindings where binds(binding, defaultNamespace: key.namespace) {
            guard let role = binding["roleRef"]?["name"]?.stringValue else { continue }
            let object: JSONValue? = switch binding["roleRef"]?["kind"]?.stringValue {
            case "Role": roles[ObjectKey(namespace: key.namespace, name: role)]
            case "ClusterRole": clusterRoles[ObjectKey(namespace: "", name: role)]
            default: nil
            }
            if let object { rules += policyRules(of: object, namespaces: [key.namespace]) }
        }
        return rules
    }

    private static func policyRules(of role: JSONValue, namespaces: [String]?) -> [PolicyRule] {
        (role["rules"]?.arrayValue ?? []).compactMap { rule in
            func strings(_ field: String) -> [String] { (rule[field]?.arrayValue ?? []).compactMap(\.stringValue) }
            guard !strings("resources").isEmpty else { return nil }  // nonResourceURLs rules
            let names = strings("resourceNames")
            return PolicyRule(
                verbs: strings("verbs"), apiGroups: strings("apiGroups"), resources: strings("resources"), namespaces: namespaces,
                resourceNames: names.isEmpty ? nil : names)
        }
    }
}
