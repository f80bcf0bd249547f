// PolicyRule: one RBAC rule — verbs × apiGroups × resources, optionally limited to namespaces
// (as a RoleBinding would) and to resourceNames. "*" is a wildcard in verbs, groups, resources.
public struct PolicyRule: Sendable {
    public var verbs: [String]
    public var apiGroups: [String]
    /// Plural resource names, with subresources as `clusterpullsecrets/status`.
    public var resources: [String]
    /// nil = every namespace and cluster-scoped objects; a list = only those namespaces.
    public var namespaces: [String]?
    /// nil or empty = every object.
    public var resourceNames: [String]?

    public init(verbs: [String], apiGroups: [String] = [""], resources: [String],
                namespaces: [String]? = nil, resourceNames: [String]? = nil) {
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.namespaces = namespaces
        self.resourceNames = resourceNames
    }
}
