// JSONPatchOperation: one RFC 6902 operation (add, remove, replace, move, copy, test). `test`
// makes a patch conditional: the whole patch fails if the value differs.
import Foundation
import RegcredCore

public enum JSONPatchOperation: Sendable, Equatable {
    case add(path: String, value: JSONValue)
    case remove(path: String)
    case replace(path: String, value: JSONValue)
    case move(from: String, path: String)
    case copy(from: String, path: String)
    case test(path: String, value: JSONValue)

    public var json: JSONValue {
        switch self {
        case .add(let path, let value): .object(["op": .string("add"), "path": .string(path), "value": value])
        case .remove(let path): .object(["op": .string("remove"), "path": .string(path)])
        case .replace(let path, let value): .object(["op": .string("replace"), "path": .string(path), "value": value])
        case .move(let from, let path): .object(["op": .string("move"), "from": .string(from), "path": .string(path)])
        case .copy(let from, let path): .object(["op": .string("copy"), "from": .string(from), "path": .string(path)])
        case .test(let path, let value): .object(["op": .string("test"), "path": .string(path), "value": value])
        }
    }

    /// Escapes one JSON-pointer segment (`~` → `~0`, `/` → `~1`), e.g. for label keys.
    public static func pointerSegment(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
