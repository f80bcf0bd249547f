// Resource: describes a REST resource (group, version, plural, kind, scope) and builds its
// URL paths. Built-in resources are constants; custom resources (ClusterPullSecret) are
// declared the same way.
import Foundation

public struct Resource: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var plural: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `v1` for the core group, `group/version` otherwise.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `secrets` or `leases.coordination.k8s.io`, as kubectl names resources.
    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The collection or object path. A namespaced resource without a namespace addresses all
    /// namespaces (list and watch only); a cluster-scoped resource ignores the namespace.
    public func path(namespace: String?, name: String? = nil, subresource: String? = nil) -> String {
        var path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace {
            path += "/namespaces/\(Resource.escape(namespace))"
        }
        path += "/\(plural)"
        if let name {
            path += "/\(Resource.escape(name))"
            if let subresource { path += "/\(subresource)" }
        }
        return path
    }

    /// Names are DNS-like and need no escaping, but a bad name must not change the path's shape.
    static func escape(_ segment: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}

extension Resource {
    public static let namespaces = Resource(group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    public static let secrets = Resource(group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    public static let serviceAccounts = Resource(group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true)
    public static let pods = Resource(group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true)
    public static let leases = Resource(group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true)
    public static let events = Resource(group: "events.k8s.io", version: "v1", plural: "events", kind: "Event", namespaced: true)
}
