// Patch: the four patch flavours of the API, each with its content type. Server-side apply
// carries its field manager and force flag, which go into the query.
import RegcredCore

public enum Patch: Sendable, Equatable {
    /// RFC 7386: objects merge, `null` deletes, lists are replaced.
    case merge(JSONValue)
    /// RFC 6902 operations, applied in order, atomically.
    case json([JSONPatchOperation])
    /// Kubernetes' strategic merge: lists merge by key where the schema says so (built-in types only).
    case strategicMerge(JSONValue)
    /// Server-side apply of a full intent object; `force` takes over conflicting fields.
    case apply(JSONValue, fieldManager: String, force: Bool)

    public var contentType: String {
        switch self {
        case .merge: "application/merge-patch+json"
        case .json: "application/json-patch+json"
        case .strategicMerge: "application/strategic-merge-patch+json"
        // JSON is YAML, so the JSON body is valid for the YAML apply type.
        case .apply: "application/apply-patch+yaml"
        }
    }

    public var body: JSONValue {
        switch self {
        case .merge(let value), .strategicMerge(let value), .apply(let value, _, _): value
        case .json(let operations): .array(operations.map(\.json))
        }
    }
}
