// ResourceRegistry: the kinds this sandbox serves. Adding a kind is one line in `builtIn`;
// storage, discovery, watch, RBAC and patching pick it up from the ResourceType.
public struct ResourceRegistry: Sendable {
    public private(set) var types: [ResourceType]

    public static let builtIn: [ResourceType] = [
        ResourceType(group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace",
                     namespaced: false, hasStatus: true, shortNames: ["ns"], selectableFields: ["status.phase"]),
        ResourceType(group: "", version: "v1", plural: "secrets", singular: "secret", kind: "Secret",
                     namespaced: true, selectableFields: ["type"]),
        ResourceType(group: "", version: "v1", plural: "serviceaccounts", singular: "serviceaccount", kind: "ServiceAccount",
                     namespaced: true, shortNames: ["sa"]),
        ResourceType(group: "", version: "v1", plural: "events", singular: "event", kind: "Event",
                     namespaced: true, shortNames: ["ev"],
                     selectableFields: ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                                        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                                        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"]),
        ResourceType(group: "", version: "v1", plural: "resourcequotas", singular: "resourcequota", kind: "ResourceQuota",
                     namespaced: true, hasStatus: true, shortNames: ["quota"]),
        ResourceType(group: "", version: "v1", plural: "pods", singular: "pod", kind: "Pod",
                     namespaced: true, hasStatus: true, shortNames: ["po"],
                     selectableFields: ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
                                        "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
                                        "status.podIP", "status.nominatedNodeName"]),
        ResourceType(group: "events.k8s.io", version: "v1", plural: "events", singular: "event", kind: "Event",
                     namespaced: true, shortNames: ["ev"],
                     selectableFields: ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
                                        "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath",
                                        "reason", "reportingController", "type"],
                     storageKey: "events"),
        ResourceType(group: "coordination.k8s.io", version: "v1", plural: "leases", singular: "lease", kind: "Lease",
                     namespaced: true),
        // Workloads only as stored objects (no controllers run here): `regcred rotate` switches
        // the pull secrets of their pod templates; `regcred scan` reads them.
        ResourceType(group: "apps", version: "v1", plural: "deployments", singular: "deployment", kind: "Deployment",
                     namespaced: true, hasStatus: true, shortNames: ["deploy"]),
        ResourceType(group: "apps", version: "v1", plural: "statefulsets", singular: "statefulset", kind: "StatefulSet",
                     namespaced: true, hasStatus: true, shortNames: ["sts"]),
        ResourceType(group: "apps", version: "v1", plural: "daemonsets", singular: "daemonset", kind: "DaemonSet",
                     namespaced: true, hasStatus: true, shortNames: ["ds"]),
        ResourceType(group: "batch", version: "v1", plural: "jobs", singular: "job", kind: "Job",
                     namespaced: true, hasStatus: true),
        ResourceType(group: "batch", version: "v1", plural: "cronjobs", singular: "cronjob", kind: "CronJob",
                     namespaced: true, hasStatus: true, shortNames: ["cj"]),
        // RBAC objects: service accounts (tokens from the TokenRequest subresource) are
        // authorized by what these grant (RBACObjects).
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles", singular: "clusterrole",
                     kind: "ClusterRole", namespaced: false),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings", singular: "clusterrolebinding",
                     kind: "ClusterRoleBinding", namespaced: false),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", singular: "role",
                     kind: "Role", namespaced: true),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings", singular: "rolebinding",
                     kind: "RoleBinding", namespaced: true),
        // Mutating admission webhooks for pod creation (Admission/MutatingWebhookDispatcher).
        ResourceType(group: "admissionregistration.k8s.io", version: "v1", plural: "mutatingwebhookconfigurations",
                     singular: "mutatingwebhookconfiguration", kind: "MutatingWebhookConfiguration", namespaced: false),
        ResourceType(group: "regcred.dev", version: "v1alpha1", plural: "clusterpullsecrets", singular: "clusterpullsecret",
                     kind: "ClusterPullSecret", namespaced: false, hasStatus: true, shortNames: ["cps"], isCustom: true),
    ]

    public init(types: [ResourceType] = ResourceRegistry.builtIn) {
        self.types = types
    }

    func lookup(group: String, version: String, plural: String) -> ResourceType? {
        types.first { $0.group == group && $0.version == version && $0.plural == plural }
    }

    /// Group names in discovery order: core first, then as registered.
    var groups: [String] {
        var seen: [String] = []
        for type in types where !type.group.isEmpty && !seen.contains(type.group) { seen.append(type.group) }
        return seen
    }

    func versions(of group: String) -> [String] {
        var seen: [String] = []
        for type in types where type.group == group && !seen.contains(type.version) { seen.append(type.version) }
        return seen
    }

    func types(group: String, version: String) -> [ResourceType] {
        types.filter { $0.group == group && $0.version == version }
    }

    static let namespaces = builtIn[0]
    static let serviceAccounts = builtIn[2]
}
