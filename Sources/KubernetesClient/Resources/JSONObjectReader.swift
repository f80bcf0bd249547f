// JSONObjectReader: reads known fields out of a JSON object, adding the field name to any error.
// Public so that resource types outside this module (ClusterPullSecret) are written the same way.
import RegcredCore

public struct JSONObjectReader {
    public let members: [String: JSONValue]

    /// A missing document (`null`) reads as an empty object: Kubernetes omits empty structs.
    public init(_ value: JSONValue) throws(ResourceDecodingError) {
        switch value {
        case .object(let members): self.members = members
        case .null: self.members = [:]
        default: throw .expected("an object", found: value)
        }
    }

    public func optional<T: JSONRepresentable>(_ key: String, as type: T.Type = T.self) throws(ResourceDecodingError) -> T? {
        guard let value = members[key], value != .null else { return nil }
        do { return try T(json: value) } catch { throw error.prefixed(with: key) }
    }

    public func required<T: JSONRepresentable>(_ key: String, as type: T.Type = T.self) throws(ResourceDecodingError) -> T {
        guard let value: T = try optional(key) else {
            throw ResourceDecodingError(path: key, detail: "is required")
        }
        return value
    }
}
