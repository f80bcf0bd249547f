// JSONObjectWriter: sets or removes known fields on the JSON tree a resource was decoded from,
// leaving every other field as it was.
import RegcredCore

public struct JSONObjectWriter {
    public var members: [String: JSONValue]

    public init(_ base: JSONValue) {
        members = base.objectValue ?? [:]
    }

    /// `nil` removes the field, so clearing a typed property clears it on the server too.
    public mutating func set(_ key: String, _ value: (some JSONRepresentable)?) {
        if let value { members[key] = value.json } else { members.removeValue(forKey: key) }
    }

    /// Empty collections are omitted, as the API server does (`omitempty`).
    public mutating func setNonEmpty<C: Collection & JSONRepresentable>(_ key: String, _ value: C?) {
        if let value, !value.isEmpty { members[key] = value.json } else { members.removeValue(forKey: key) }
    }

    public var json: JSONValue { .object(members) }
}
