// RequestInfo: what a resource URL asks for — resource type, namespace, name, subresource and
// the Kubernetes verb (get/list/watch/create/update/patch/delete/deletecollection) — derived
// from method, path and query the way the apiserver's RequestInfoFactory does.
struct RequestInfo: Sendable {
    var type: ResourceType
    var namespace: String?
    var name: String
    var subresource: String?
    var verb: String

    enum Parse {
        case resource(RequestInfo)
        case discovery(group: String, version: String?)
        case unknown
    }

    static func parse(method: String, path: String, query: [String: String], registry: ResourceRegistry) -> Parse {
        let segments = path.split(separator: "/").map(String.init)
        var group = ""
        var rest: ArraySlice<String>
        guard let root = segments.first else { return .unknown }
        switch root {
        case "api":
            guard segments.count >= 2 else { return .unknown }
            rest = segments[2...]
            if rest.isEmpty { return .discovery(group: "", version: segments[1]) }
            return resolve(group: "", version: segments[1], rest: rest, method: method, query: query, registry: registry)
        case "apis":
            guard segments.count >= 2 else { return .unknown }
            group = segments[1]
            if segments.count == 2 { return .discovery(group: group, version: nil) }
            rest = segments[3...]
            if rest.isEmpty { return .discovery(group: group, version: segments[2]) }
            return resolve(group: group, version: segments[2], rest: rest, method: method, query: query, registry: registry)
        default:
            return .unknown
        }
    }

    private static func resolve(group: String, version: String, rest: ArraySlice<String>, method: String,
                                query: [String: String], registry: ResourceRegistry) -> Parse {
        var parts = Array(rest)
        var namespace: String?
        if parts.count >= 3, parts[0] == "namespaces", registry.lookup(group: group, version: version, plural: parts[2])?.namespaced == true {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        guard let type = registry.lookup(group: group, version: version, plural: parts[0]), parts.count <= 3 else { return .unknown }
        let name = parts.count >= 2 ? parts[1] : ""
        let subresource = parts.count == 3 ? parts[2] : nil
        if let subresource, !(subresource == "status" && type.hasStatus),
            !(subresource == "token" && type.group.isEmpty && type.plural == "serviceaccounts" && method == "POST")
        {
            return .unknown
        }
        let watch = ["1", "true"].contains(query["watch"]?.lowercased() ?? "")
        let verb: String
        switch method {
        case "GET", "HEAD": verb = name.isEmpty ? (watch ? "watch" : "list") : (watch ? "watch" : "get")
        case "POST": verb = "create"
        case "PUT": verb = "update"
        case "PATCH": verb = "patch"
        case "DELETE": verb = name.isEmpty ? "deletecollection" : "delete"
        default: verb = method.lowercased()
        }
        return .resource(RequestInfo(type: type, namespace: type.namespaced ? namespace : nil, name: name,
                                     subresource: subresource, verb: verb))
    }
}
