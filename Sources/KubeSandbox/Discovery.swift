// Discovery: the documents kubectl and client-go read to learn what the server serves
// (/version, /api, /apis, /apis/<group>, resource lists per group-version). Only the legacy
// (unaggregated) form is served; clients asking for aggregated discovery fall back to it.
import RegcredCore

extension KubeSandbox {
    /// The minor Kubernetes version the sandbox answers /version with (1.28), for clients that
    /// pick their release by the server's (kubectl's version-skew dispatchers).
    public static let kubernetesMinorVersion = "28"
}

struct Discovery: Sendable {
    let registry: ResourceRegistry

    static let version: JSONValue = .object([
        "major": .string("1"), "minor": .string(KubeSandbox.kubernetesMinorVersion),
        "gitVersion": .string("v1.\(KubeSandbox.kubernetesMinorVersion).0-regcred-sandbox"),
        "gitCommit": .string("0000000000000000000000000000000000000000"), "gitTreeState": .string("clean"),
        "buildDate": .string("2023-08-15T00:00:00Z"), "goVersion": .string("go1.20.7"),
        "compiler": .string("gc"), "platform": .string("linux/amd64"),
    ])

    static let verbs: [JSONValue] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"].map { .string($0) }

    func coreVersions(serverAddress: String) -> JSONValue {
        .object([
            "kind": .string("APIVersions"), "versions": .array([.string("v1")]),
            "serverAddressByClientCIDRs": .array([.object(["clientCIDR": .string("0.0.0.0/0"), "serverAddress": .string(serverAddress)])]),
        ])
    }

    func group(_ name: String) -> JSONValue {
        let versions = registry.versions(of: name).map { version -> JSONValue in
            .object(["groupVersion": .string("\(name)/\(version)"), "version": .string(version)])
        }
        return .object([
            "kind": .string("APIGroup"), "apiVersion": .string("v1"), "name": .string(name),
            "versions": .array(versions), "preferredVersion": versions.first ?? .null,
        ])
    }

    var groupList: JSONValue {
        var groups = registry.groups.map { name -> JSONValue in
            var document = group(name)
            document["kind"] = nil
            document["apiVersion"] = nil
            return document
        }
        groups.sort { ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "") }
        return .object(["kind": .string("APIGroupList"), "apiVersion": .string("v1"), "groups": .array(groups)])
    }

    func resourceList(group: String, version: String) -> JSONValue? {
        let types = registry.types(group: group, version: version)
        guard !types.isEmpty else { return nil }
        var resources: [JSONValue] = []
        for type in types {
            var entry: [String: JSONValue] = [
                "name": .string(type.plural), "singularName": .string(type.singular),
                "namespaced": .bool(type.namespaced), "kind": .string(type.kind), "verbs": .array(Self.verbs),
            ]
            if !type.shortNames.isEmpty { entry["shortNames"] = .array(type.shortNames.map { .string($0) }) }
            resources.append(.object(entry))
            if type.hasStatus {
                resources.append(.object([
                    "name": .string("\(type.plural)/status"), "singularName": .string(""),
                    "namespaced": .bool(type.namespaced), "kind": .string(type.kind),
                    "verbs": .array(["get", "patch", "update"].map { .string($0) }),
                ]))
            }
        }
        let groupVersion = group.isEmpty ? version : "\(group)/\(version)"
        return .object([
            "kind": .string("APIResourceList"), "apiVersion": .string("v1"),
            "groupVersion": .string(groupVersion), "resources": .array(resources),
        ])
    }
}
