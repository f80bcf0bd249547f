// JSONObjectReader: reads known fields out of a JSON object, adding the field name to any
// error, and JSONObjectWriter sets or removes them on the kept tree.
import RegcredCore

struct JSONObjectReader {
    let members: [String: JSONValue]

    /// A missing document (`null`) reads as an empty object: Kubernetes omits empty structs.
    init(_ value: JSONValue) throws(ResourceDecodingError) {
        switch value {
        case .object(let members): self.members = members
        case .null: self.members = [:]
        default: throw .expected("an object", found: value)
        }
    }

    func optional<T: JSONRepresentable>(_ key: String, as type: T.Type = T.self) throws(ResourceDecodingError) -> T? {
        guard let value = members[key], value != .null else { return nil }
        do { return try T(json: value) } catch { throw error.prefixed(with: key) }
    }

    func required<T: JSONRepresentable>(_ key: String, as type: T.Type = T.self) throws(ResourceDecodingError) -> T {
        guard let value: T = try optional(key) else {
            throw ResourceDecodingError(path: key, detail: "is required")
        }
        return value
    }
}

struct JSONObjectWriter {
    var members: [String: JSONValue]

    init(_ base: JSONValue) {
        members = base.objectValue ?? [:]
    }

    /// `nil` removes the field, so clearing a typed property clears it on the server too.
    mutating func set(_ key: String, _ value: (some JSONRepresentable)?) {
        if let value { members[key] = value.json } else { members.removeValue(forKey: key) }
    }

    /// Empty collections are omitted, as the API server does (`omitempty`).
    mutating func setNonEmpty<C: Collection & JSONRepresentable>(_ key: String, _ value: C?) {
        if let value, !value.isEmpty { members[key] = value.json } else { members.removeValue(forKey: key) }
    }

    var json: JSONValue { .object(members) }
}
