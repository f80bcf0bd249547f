// OrderedJSON: a JSON document as Go's `encoding/json` sees its text — objects keep their members
// in document order, repeated keys included — so that a pull secret is read the way the kubelet
// reads it (the last of a repeated key wins) and a repeated key can be reported.
import Foundation

public indirect enum OrderedJSON: Hashable, Sendable {
    case null
    case bool(Bool)
    /// The number's text as written (`1`, `-2.5e3`).
    case number(String)
    case string(String)
    case array([OrderedJSON])
    case object([Member])

    /// One `"key": value` pair of an object, in document order.
    public struct Member: Hashable, Sendable {
        public var key: String
        public var value: OrderedJSON

        public init(key: String, value: OrderedJSON) {
            self.key = key
            self.value = value
        }
    }
}

extension OrderedJSON {
    /// Parses `data` as Go's `json.Unmarshal` accepts it (see ``GoJSONScanner``).
    public init(parsing data: Data) throws(JSONSyntaxError) {
        self = try GoJSONScanner.parse(Array(data))
    }

    /// A tree without document order, in which every object keeps the last value of a repeated
    /// key, as Go does when it decodes into a map.
    public var lastWins: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .number(let text): return Self.number(text)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(\.lastWins))
        case .object(let members):
            var object: [String: JSONValue] = [:]
            for member in members { object[member.key] = member.value.lastWins }
            return .object(object)
        }
    }

    /// The same document in a deterministic order (keys sorted), for trees that never had one
    /// (YAML read through Yams, documents built in code).
    public init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .integer(let number): self = .number(String(number))
        case .double(let number): self = .number(number.description)
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map(OrderedJSON.init))
        case .object(let members):
            self = .object(members.keys.sorted().map { Member(key: $0, value: OrderedJSON(members[$0]!)) })
        }
    }

    /// Every place where an object repeats a key, as the path of keys to it (array positions
    /// as decimal strings), in document order; each path once.
    public var duplicateKeyPaths: [[String]] {
        var paths: [[String]] = []
        collectDuplicates(prefix: [], into: &paths)
        return paths
    }

    private func collectDuplicates(prefix: [String], into paths: inout [[String]]) {
        switch self {
        case .array(let items):
            for (index, item) in items.enumerated() { item.collectDuplicates(prefix: prefix + [String(index)], into: &paths) }
        case .object(let members):
            var seen = Set<String>()
            var reported = Set<String>()
            for member in members {
                if !seen.insert(member.key).inserted, reported.insert(member.key).inserted { paths.append(prefix + [member.key]) }
                member.value.collectDuplicates(prefix: prefix + [member.key], into: &paths)
            }
        default:
            break
        }
    }

    /// A short name of the value's kind, for error messages.
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// An integer when the text is one that fits 64 bits, else a double (as JSONValue reads numbers).
    private static func number(_ text: String) -> JSONValue {
        if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let integer = Int64(text) { return .integer(integer) }
        return .double(Double(text) ?? 0)
    }
}
