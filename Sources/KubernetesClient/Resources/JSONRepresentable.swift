// JSONRepresentable: a value that converts to and from a JSONValue tree. Resources use it
// instead of synthesised Codable so that each one can keep the tree it was decoded from and
// overlay only its known fields on encode (unknown fields survive a round-trip).
import Foundation
import RegcredCore

public protocol JSONRepresentable: Sendable {
    init(json: JSONValue) throws(ResourceDecodingError)
    var json: JSONValue { get }
}

extension String: JSONRepresentable {
    public init(json: JSONValue) throws(ResourceDecodingError) {
        guard case .string(let value) = json else { throw .expected("a string", found: json) }
        self = value
    }
    public var json: JSONValue { .string(self) }
}

extension Bool: JSONRepresentable {
    public init(json: JSONValue) throws(ResourceDecodingError) {
        guard case .bool(let value) = json else { throw .expected("a boolean", found: json) }
        self = value
    }
    public var json: JSONValue { .bool(self) }
}

extension Int64: JSONRepresentable {
    public init(json: JSONValue) throws(ResourceDecodingError) {
        guard let value = json.integerValue else { throw .expected("an integer", found: json) }
        self = value
    }
    public var json: JSONValue { .integer(self) }
}

extension Int: JSONRepresentable {
    public init(json: JSONValue) throws(ResourceDecodingError) {
        guard let value = json.integerValue, let narrowed = Int(exactly: value) else {
            throw .expected("an integer", found: json)
        }
        self = narrowed
    }
    public var json: JSONValue { .integer(Int64(self)) }
}

/// Kubernetes `Time`: RFC 3339 in UTC with second precision ("2024-05-01T10:00:00Z").
/// Fractional seconds are accepted on input, since MicroTime fields are read the same way.
extension Date: JSONRepresentable {
    public init(json: JSONValue) throws(ResourceDecodingError) {
        guard case .string(let text) = json, let date = KubeTimeFormat.parse(text) else {
            throw .expected("an RFC 3339 timestamp", found: json)
        }
        self = date
    }
    public var json: JSONValue { .string(KubeTimeFormat.seconds(self)) }
}

/// Secret data: bytes carried as standard base64 strings.
extension Data: JSONRepresentable {
    public init(json: JSONValue) throws(ResourceDecodingError) {
        guard case .string(let text) = json else { throw .expected("a base64 string", found: json) }
        guard let data = Data(base64Encoded: text) else {
            throw ResourceDecodingError(path: "", detail: "is not valid base64")
        }
        self = data
    }
    public var json: JSONValue { .string(base64EncodedString()) }
}

extension JSONValue: JSONRepresentable {
    public init(json: JSONValue) { self = json }
    public var json: JSONValue { self }
}

extension Array: JSONRepresentable where Element: JSONRepresentable {
    public init(json: JSONValue) throws(ResourceDecodingError) {
        if case .null = json { self = []; return }
        guard case .array(let items) = json else { throw .expected("an array", found: json) }
        var result: [Element] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            do { result.append(try Element(json: item)) } catch { throw error.prefixed(with: "[\(index)]") }
        }
        self = result
    }
    public var json: JSONValue { .array(map(\.json)) }
}

extension Dictionary: JSONRepresentable where Key == String, Value: JSONRepresentable {
    public init(json: JSONValue) throws(ResourceDecodingError) {
        if case .null = json { self = [:]; return }
        guard case .object(let members) = json else { throw .expected("an object", found: json) }
        var result: [String: Value] = [:]
        for (key, member) in members {
            do { result[key] = try Value(json: member) } catch { throw error.prefixed(with: key) }
        }
        self = result
    }
    public var json: JSONValue { .object(mapValues(\.json)) }
}

extension ResourceDecodingError {
    static func expected(_ what: String, found: JSONValue) -> ResourceDecodingError {
        ResourceDecodingError(path: "", detail: "expected \(what), found \(found.kindDescription)")
    }
}

extension JSONRepresentable where Self: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(json: JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
