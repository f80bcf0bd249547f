// LabelSelector: the `labelSelector` query language (=, ==, !=, in, notin, exists, !key, gt, lt)
// parsed once per request and matched against an object's labels.
import Foundation

struct LabelSelector: Sendable {
    enum Operator: Sendable { case equals, notEquals, isIn, notIn, exists, doesNotExist, greaterThan, lessThan }

    struct Requirement: Sendable {
        var key: String
        var op: Operator
        var values: [String]

        func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch op {
            case .equals, .isIn: return value.map(values.contains) ?? false
            case .notEquals, .notIn: return value.map { !values.contains($0) } ?? true
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            case .greaterThan: return value.flatMap { Int64($0) }.map { $0 > (Int64(values[0]) ?? 0) } ?? false
            case .lessThan: return value.flatMap { Int64($0) }.map { $0 < (Int64(values[0]) ?? 0) } ?? false
            }
        }
    }

    var requirements: [Requirement]

    var isEmpty: Bool { requirements.isEmpty }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    init(parsing text: String) throws(APIError) {
        requirements = []
        // Split on commas that are not inside parentheses.
        var parts: [String] = []
        var depth = 0
        var current = ""
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        for raw in parts {
            let part = raw.trimmingCharacters(in: .whitespaces)
            if part.isEmpty {
                if text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                throw APIError.badRequest("unable to parse requirement: found ',', expected: identifier")
            }
            requirements.append(try Self.requirement(part))
        }
    }

    private static func requirement(_ part: String) throws(APIError) -> Requirement {
        if part.hasPrefix("!") {
            let key = String(part.dropFirst()).trimmingCharacters(in: .whitespaces)
            try checkKey(key)
            return Requirement(key: key, op: .doesNotExist, values: [])
        }
        for (token, op) in [("!=", Operator.notEquals), ("==", .equals), ("=", .equals), (">", .greaterThan), ("<", .lessThan)] {
            if let range = part.range(of: token) {
                let key = part[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let value = part[range.upperBound...].trimmingCharacters(in: .whitespaces)
                try checkKey(key)
                try checkValue(value)
                return Requirement(key: key, op: op, values: [value])
            }
        }
        let words = part.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
        if words.count == 1 {
            try checkKey(words[0])
            return Requirement(key: words[0], op: .exists, values: [])
        }
        guard words.count == 3, ["in", "notin"].contains(words[1]) else {
            throw APIError.badRequest("unable to parse requirement: found '\(words.count > 1 ? words[1] : part)', expected: in, notin, =, ==, !=, gt, lt")
        }
        let list = words[2].trimmingCharacters(in: .whitespaces)
        guard list.hasPrefix("("), list.hasSuffix(")") else {
            throw APIError.badRequest("unable to parse requirement: found '\(list)', expected: '('")
        }
        let values = list.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for value in values { try checkValue(value) }
        try checkKey(words[0])
        return Requirement(key: words[0], op: words[1] == "in" ? .isIn : .notIn, values: values)
    }

    private static func checkKey(_ key: String) throws(APIError) {
        let name = key.split(separator: "/").last.map(String.init) ?? ""
        let ok = !name.isEmpty && name.count <= 63 && name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.".unicodeScalars.contains($0)
        }
        if !ok {
            throw APIError.badRequest("unable to parse requirement: invalid label key \"\(key)\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
        }
    }

    private static func checkValue(_ value: String) throws(APIError) {
        let ok = value.count <= 63 && value.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.".unicodeScalars.contains($0)
        }
        if !ok {
            throw APIError.badRequest("unable to parse requirement: values[0][\(value)]: Invalid value: \"\(value)\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
        }
    }
}
