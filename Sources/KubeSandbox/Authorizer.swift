// Authorizer: the RBAC decision for one request, following rbac/v1 matching: a rule with
// resourceNames never matches a request without a name (so it cannot grant create, or a
// list/watch unless a `metadata.name` field selector pins the name).
struct Authorizer: Sendable {
    struct Attributes: Sendable {
        var verb: String
        var group: String
        var resource: String
        var subresource: String?
        var namespace: String?
        var name: String
    }

    static func allows(_ user: SandboxUser, _ request: Attributes) -> Bool {
        guard let rules = user.rules else { return true }
        return rules.contains { matches($0, request) }
    }

    static func matches(_ rule: PolicyRule, _ request: Attributes) -> Bool {
        guard rule.verbs.contains("*") || rule.verbs.contains(request.verb) else { return false }
        guard rule.apiGroups.contains("*") || rule.apiGroups.contains(request.group) else { return false }
        let combined = request.subresource.map { "\(request.resource)/\($0)" } ?? request.resource
        let resourceOK = rule.resources.contains { allowed in
            if allowed == "*" || allowed == combined { return true }
            if let sub = request.subresource { return allowed == "*/\(sub)" || allowed == "\(request.resource)/*" }
            return false
        }
        guard resourceOK else { return false }
        if let namespaces = rule.namespaces {
            // A namespaced grant does not cover cluster-scoped or all-namespaces requests.
            guard let namespace = request.namespace, namespaces.contains(namespace) || namespaces.contains("*") else { return false }
        }
        if let names = rule.resourceNames, !names.isEmpty {
            guard !request.name.isEmpty, names.contains(request.name) else { return false }
        }
        return true
    }

    /// `User "u" cannot get resource "secrets" in API group "" in the namespace "ns"`.
    static func denial(_ user: SandboxUser, _ request: Attributes) -> String {
        let resource = request.subresource.map { "\(request.resource)/\($0)" } ?? request.resource
        let scope = request.namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
        return "User \"\(user.name)\" cannot \(request.verb) resource \"\(resource)\" in API group \"\(request.group)\" \(scope)"
    }
}
