// JSONPatch: RFC 6902 operations (add, remove, replace, move, copy, test) on JSON Pointers
// (RFC 6901, with ~0/~1 escapes and "-" for append). Failures carry the messages the API
// server (evanphx/json-patch) returns, so a failed `test` reads the same as in a cluster.
import Foundation
import RegcredCore

enum JSONPatch {
    struct Failure: Error {
        var message: String
    }

    static func apply(_ patch: JSONValue, to target: JSONValue) throws(Failure) -> JSONValue {
        guard case .array(let operations) = patch else {
            throw Failure(message: "json: cannot unmarshal \(patch.kindDescription) into Go value of type jsonpatch.Patch")
        }
        var document = target
        for operation in operations {
            guard let op = operation["op"]?.stringValue else { throw Failure(message: "Unexpected kind: unknown") }
            let path = operation["path"]?.stringValue ?? ""
            switch op {
            case "add":
                document = try add(document, tokens: try pointer(path), value: operation["value"] ?? .null)
            case "remove":
                document = try remove(document, tokens: try pointer(path)).document
            case "replace":
                let tokens = try pointer(path)
                _ = try get(document, tokens: tokens, op: "replace", path: path)
                document = try remove(document, tokens: tokens).document
                document = try add(document, tokens: tokens, value: operation["value"] ?? .null)
            case "move":
                let from = operation["from"]?.stringValue ?? ""
                let removed = try remove(document, tokens: try pointer(from))
                document = try add(removed.document, tokens: try pointer(path), value: removed.value)
            case "copy":
                let from = operation["from"]?.stringValue ?? ""
                let value = try get(document, tokens: try pointer(from), op: "copy", path: from)
                document = try add(document, tokens: try pointer(path), value: value)
            case "test":
                let tokens = try pointer(path)
                let actual = try? get(document, tokens: tokens, op: "test", path: path)
                if actual != (operation["value"] ?? .null) {
                    throw Failure(message: "testing value \(path) failed: test failed")
                }
            default:
                throw Failure(message: "Unexpected kind: \(op)")
            }
        }
        return document
    }

    static func pointer(_ path: String) throws(Failure) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw Failure(message: "JSON pointer must be empty or start with a \"/\"") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func get(_ document: JSONValue, tokens: [String], op: String, path: String) throws(Failure) -> JSONValue {
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { throw missing(op, path) }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { throw missing(op, path) }
                current = items[index]
            default:
                throw missing(op, path)
            }
        }
        return current
    }

    private static func missing(_ op: String, _ path: String) -> Failure {
        Failure(message: "\(op) operation does not apply: doc is missing path: \"\(path)\": missing value")
    }

    private static func add(_ document: JSONValue, tokens: [String], value: JSONValue) throws(Failure) -> JSONValue {
        guard let first = tokens.first else { return value }
        let rest = Array(tokens.dropFirst())
        switch document {
        case .object(var members):
            if rest.isEmpty {
                members[first] = value
            } else {
                guard let child = members[first] else {
                    throw Failure(message: "add operation does not apply: doc is missing path: \"/\(tokens.joined(separator: "/"))\": missing value")
                }
                members[first] = try add(child, tokens: rest, value: value)
            }
            return .object(members)
        case .array(var items):
            if rest.isEmpty {
                if first == "-" {
                    items.append(value)
                } else {
                    guard let index = Int(first), index >= 0, index <= items.count else {
                        throw Failure(message: "add operation does not apply: doc is missing path: \"/\(tokens.joined(separator: "/"))\": missing value")
                    }
                    items.insert(value, at: index)
                }
            } else {
                guard let index = Int(first), items.indices.contains(index) else {
                    throw Failure(message: "add operation does not apply: doc is missing path: \"/\(tokens.joined(separator: "/"))\": missing value")
                }
                items[index] = try add(items[index], tokens: rest, value: value)
            }
            return .array(items)
        default:
            throw Failure(message: "add operation does not apply: doc is missing path: \"/\(tokens.joined(separator: "/"))\": missing value")
        }
    }

    private static func remove(_ document: JSONValue, tokens: [String]) throws(Failure) -> (document: JSONValue, value: JSONValue) {
        let path = "/" + tokens.joined(separator: "/")
        guard let first = tokens.first else { throw Failure(message: "remove operation does not apply: doc is missing path: \"\": missing value") }
        let rest = Array(tokens.dropFirst())
        switch document {
        case .object(var members):
            guard let child = members[first] else {
                throw Failure(message: "remove operation does not apply: doc is missing path: \"\(path)\": missing value")
            }
            if rest.isEmpty {
                members[first] = nil
                return (.object(members), child)
            }
            let removed = try remove(child, tokens: rest)
            members[first] = removed.document
            return (.object(members), removed.value)
        case .array(var items):
            guard let index = Int(first), items.indices.contains(index) else {
                throw Failure(message: "remove operation does not apply: doc is missing path: \"\(path)\": missing value")
            }
            if rest.isEmpty {
                let value = items.remove(at: index)
                return (.array(items), value)
            }
            let removed = try remove(items[index], tokens: rest)
            items[index] = removed.document
            return (.array(items), removed.value)
        default:
            throw Failure(message: "remove operation does not apply: doc is missing path: \"\(path)\": missing value")
        }
    }
}
