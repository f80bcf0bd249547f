// ResourceType: everything the server needs to know about one kind of object (where it lives in
// the URL space, its Kind, scope, subresources, selectable fields), so storage, discovery,
// validation and authorization are written once for all kinds.
import RegcredCore

public struct ResourceType: Sendable, Hashable {
    public var group: String
    public var version: String
    public var plural: String
    public var singular: String
    public var kind: String
    public var namespaced: Bool
    public var hasStatus: Bool
    public var shortNames: [String]
    /// Field selector labels beyond `metadata.name` (and `metadata.namespace` when namespaced).
    public var selectableFields: [String]
    /// Custom resources behave differently in a few places (no unconditional update, generation
    /// on spec change, no strategic merge patch, list items keep kind/apiVersion).
    public var isCustom: Bool
    /// Kinds served under two API groups share storage (core/v1 and events.k8s.io/v1 events).
    public var storageKey: String

    public init(group: String, version: String, plural: String, singular: String, kind: String,
                namespaced: Bool, hasStatus: Bool = false, shortNames: [String] = [],
                selectableFields: [String] = [], isCustom: Bool = false, storageKey: String? = nil) {
        self.group = group
        self.version = version
        self.plural = plural
        self.singular = singular
        self.kind = kind
        self.namespaced = namespaced
        self.hasStatus = hasStatus
        self.shortNames = shortNames
        self.selectableFields = selectableFields
        self.isCustom = isCustom
        self.storageKey = storageKey ?? (group.isEmpty ? plural : "\(plural).\(group)")
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `secrets` or `clusterpullsecrets.regcred.dev`: how error messages name the resource.
    public var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The URL prefix of this group-version: `/api/v1` or `/apis/<group>/<version>`.
    var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    var allFieldLabels: [String] {
        // Custom resources accept metadata.namespace even when cluster-scoped (apiextensions-apiserver).
        (namespaced || isCustom ? ["metadata.name", "metadata.namespace"] : ["metadata.name"]) + selectableFields
    }
}
