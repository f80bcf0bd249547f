// JSONValue: a lossless, Sendable tree for JSON documents whose schema we only partly know
// (Kubernetes manifests, docker configs). Unknown fields survive a read-modify-write because
// we edit the tree instead of decoding into a struct that would drop them.
import Foundation

public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var integerValue: Int64? {
        switch self {
        case .integer(let value): return value
        case .double(let value) where value.rounded() == value && abs(value) < 9.0e18: return Int64(value)
        default: return nil
        }
    }

    /// Member access on objects; `nil` for a missing key or a non-object. Setting on a
    /// non-object is a no-op, so callers check the shape first.
    public subscript(key: String) -> JSONValue? {
        get {
            if case .object(let members) = self { return members[key] }
            return nil
        }
        set {
            guard case .object(var members) = self else { return }
            members[key] = newValue
            self = .object(members)
        }
    }

    /// A short name of the value's kind, for error messages ("expected an object, found a string").
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Most likely kinds first: every failed attempt throws, and documents are mostly strings and objects.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

/// Why a byte string is not the JSON we expected.
public struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    public let detail: String
    public var description: String { "not valid JSON: \(detail)" }
}

extension JSONValue {
    /// Parses JSON text. Errors carry the decoder's location so users can find the typo.
    public init(parsing data: Data) throws(JSONSyntaxError) {
        do {
            self = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let underlying = context.underlyingError.map { "\($0)" }
            throw JSONSyntaxError(detail: Self.withoutQuotedInput(underlying ?? context.debugDescription))
        } catch {
            throw JSONSyntaxError(detail: "the document could not be parsed")
        }
    }

    /// Decoder messages quote the offending character ("Unexpected character 'x'"); in a
    /// credentials document that character may belong to a password, so it is dropped.
    static func withoutQuotedInput(_ message: String) -> String {
        var result = ""
        var quoted = false
        for character in message {
            if character == "'" {
                quoted.toggle()
                result.append(quoted ? "'…" : "'")
            } else if !quoted {
                result.append(character)
            }
        }
        return result
    }

    /// Deterministic encoding: sorted keys, no escaped slashes; `pretty` indents like kubectl.
    public func encoded(pretty: Bool = false) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty
            ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail: every case maps to a JSON primitive.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    public func encodedString(pretty: Bool = false) -> String {
        String(decoding: encoded(pretty: pretty), as: UTF8.self)
    }
}

extension JSONValue {
    /// The tree of an Encodable value (a spec, a status), for patches and lossless storage.
    public init<Value: Encodable>(encoding value: Value) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }
}

extension JSONValue {
    /// The value at a path of object keys (`["spec", "template", "spec"]`), if every step exists.
    public func value(at path: [String]) -> JSONValue? {
        var current: JSONValue? = self
        for key in path { current = current?[key] }
        return current
    }

    /// Sets the value at a path of object keys, creating missing objects on the way.
    public mutating func set(_ value: JSONValue, at path: [String]) {
        guard let first = path.first else {
            self = value
            return
        }
        var child = self[first] ?? .object([:])
        child.set(value, at: Array(path.dropFirst()))
        self[first] = child
    }
}
