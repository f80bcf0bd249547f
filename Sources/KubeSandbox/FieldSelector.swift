// FieldSelector: the `fieldSelector` query (`a=b`, `a==b`, `a!=b`, comma-joined), restricted to
// the labels each kind supports; anything else is the real 400 "field label not supported".
import Foundation
import RegcredCore

struct FieldSelector: Sendable {
    struct Requirement: Sendable {
        var field: String
        var value: String
        var equal: Bool
    }

    var requirements: [Requirement]

    var isEmpty: Bool { requirements.isEmpty }

    /// The name an `metadata.name=X` requirement pins, used by RBAC for list/watch with resourceNames.
    var exactName: String? {
        requirements.first { $0.field == "metadata.name" && $0.equal }?.value
    }

    init(parsing text: String, type: ResourceType) throws(APIError) {
        requirements = []
        for raw in text.split(separator: ",") {
            let part = raw.trimmingCharacters(in: .whitespaces)
            if part.isEmpty { continue }
            var requirement: Requirement
            if let range = part.range(of: "!=") {
                requirement = Requirement(field: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), equal: false)
            } else if let range = part.range(of: "==") ?? part.range(of: "=") {
                requirement = Requirement(field: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), equal: true)
            } else {
                throw APIError.badRequest("invalid selector: '\(text)'; can't understand '\(part)'")
            }
            requirement.field = requirement.field.trimmingCharacters(in: .whitespaces)
            guard type.allFieldLabels.contains(requirement.field) else {
                throw APIError.badRequest("field label not supported: \(requirement.field)")
            }
            requirements.append(requirement)
        }
    }

    func matches(_ object: JSONValue) -> Bool {
        requirements.allSatisfy { requirement in
            let actual = Self.value(of: requirement.field, in: object)
            return (actual == requirement.value) == requirement.equal
        }
    }

    /// The string form of a dotted field of the object, as the server's field set renders it.
    static func value(of field: String, in object: JSONValue) -> String {
        var current: JSONValue? = object
        for key in field.split(separator: ".") { current = current?[String(key)] }
        if field == "source" { return object["source"]?["component"]?.stringValue ?? "" }
        switch current {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        default: return ""
        }
    }
}
