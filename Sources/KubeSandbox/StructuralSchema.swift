// StructuralSchema: what the API server does with a custom resource against its CRD's
// openAPIV3Schema before storing it: unknown fields and nulls of non-nullable fields are pruned
// (unless the schema preserves them), then types, required fields, enums, patterns and length
// and item bounds are checked. Messages are kube-openapi's, turned into field errors as
// apiextensions-apiserver's kubeOpenAPIResultToFieldErrors does (v1.28). Then the CEL rules
// (x-kubernetes-validations) in the subset ValidationRule reads; formats are not evaluated.
import Foundation
import RegcredCore

struct StructuralSchema: Sendable {
    let root: JSONValue

    /// The object with unknown fields pruned, and every violation of the schema.
    func apply(to object: JSONValue, validating parts: [String]) -> (JSONValue, [FieldError]) {
        var pruned = object
        var errors: [FieldError] = []
        for part in parts {
            guard let schema = root["properties"]?[part], let value = object[part] else { continue }
            pruned[part] = Self.prune(value, schema: schema)
            errors += Self.validate(pruned[part] ?? .null, schema: schema, path: part)
        }
        return (pruned, errors)
    }

    /// The x-kubernetes-validations rules over the validated parts, run after the schema check
    /// as the API server runs them: not at all when an earlier error blocks them
    /// (strategy.go hasBlockingErr), then each node's rules before its children's.
    func ruleErrors(in object: JSONValue, validating parts: [String], after earlier: [FieldError]) -> [FieldError] {
        guard Self.hasRules(root) else { return [] }
        let blocking: Set<FieldError.Kind> = [.required, .tooLong, .tooMany, .typeInvalid]
        if earlier.contains(where: { blocking.contains($0.kind) }) {
            // field.Invalid(nil, nil, …): a nil path prints as <nil>, a nil value as "null".
            return [FieldError(kind: .invalid, field: "<nil>", renderedValue: "\"null\"",
                               detail: "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation")]
        }
        var errors: [FieldError] = []
        for part in parts {
            guard let schema = root["properties"]?[part], let value = object[part] else { continue }
            errors += Self.ruleErrors(value, schema: schema, path: part)
        }
        return errors
    }

    private static func hasRules(_ schema: JSONValue) -> Bool {
        if schema["x-kubernetes-validations"]?.arrayValue?.isEmpty == false { return true }
        if let properties = schema["properties"]?.objectValue, properties.values.contains(where: hasRules) { return true }
        return [schema["items"], schema["additionalProperties"]].contains { $0.map(hasRules) ?? false }
    }

    private static func ruleErrors(_ value: JSONValue, schema: JSONValue, path: String) -> [FieldError] {
        var errors: [FieldError] = []
        let type = schema["type"]?.stringValue ?? ""
        for entry in schema["x-kubernetes-validations"]?.arrayValue ?? [] {
            guard let text = entry["rule"]?.stringValue,
                  let rule = ValidationRule(rule: text, message: entry["message"]?.stringValue) else { continue }
            switch rule.evaluate(on: value) {
            case .passed: break
            case .failed: errors.append(.invalid(path, string: type, rule.failureDetail))
            case .evaluationError(let error): errors.append(.invalid(path, string: type, "\(error) evaluating rule: \(rule.errorString)"))
            }
        }
        switch value {
        case .object(let members):
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let memberSchema = schema["properties"]?[key] ?? schema["additionalProperties"], memberSchema.objectValue != nil {
                    errors += ruleErrors(member, schema: memberSchema, path: "\(path).\(key)")
                }
            }
        case .array(let items):
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { errors += ruleErrors(item, schema: itemSchema, path: "\(path)[\(index)]") }
            }
        default:
            break
        }
        return errors
    }

    static func prune(_ value: JSONValue, schema: JSONValue) -> JSONValue {
        if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true { return value }
        switch value {
        case .object(var members):
            // "null values for fields that do not specify nullable: true are pruned"
            for (key, member) in members where member == .null {
                let memberSchema = schema["properties"]?[key] ?? schema["additionalProperties"]
                if memberSchema?["nullable"]?.boolValue != true { members[key] = nil }
            }
            guard let properties = schema["properties"]?.objectValue else {
                if let additional = schema["additionalProperties"], additional.objectValue != nil {
                    return .object(members.mapValues { prune($0, schema: additional) })
                }
                return schema["type"]?.stringValue == "object" && schema["additionalProperties"] == nil ? .object([:]) : value
            }
            var kept: [String: JSONValue] = [:]
            for (key, member) in members {
                if let memberSchema = properties[key] { kept[key] = prune(member, schema: memberSchema) }
            }
            return .object(kept)
        case .array(let items):
            guard let itemSchema = schema["items"] else { return value }
            return .array(items.map { prune($0, schema: itemSchema) })
        default:
            return value
        }
    }

    static func validate(_ value: JSONValue, schema: JSONValue, path: String) -> [FieldError] {
        if value == .null { return schema["nullable"]?.boolValue == true ? [] : typeError(value, schema: schema, path: path) }
        if let type = schema["type"]?.stringValue, !matches(value, type: type) {
            return typeError(value, schema: schema, path: path)
        }
        var errors: [FieldError] = []
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            errors.append(FieldError(
                kind: .notSupported, field: path, renderedValue: rendered(value),
                detail: "supported values: " + allowed.map(rendered).joined(separator: ", ")))
        }
        switch value {
        case .string(let text):
            let length = text.unicodeScalars.count  // Go's utf8.RuneCountInString
            if let max = schema["maxLength"]?.integerValue, length > max {
                errors.append(FieldError(kind: .tooLong, field: path, renderedValue: nil, detail: "may not be longer than \(max)"))
            }
            if let min = schema["minLength"]?.integerValue, length < min {
                errors.append(.invalid(path, string: text, "\(path) in body should be at least \(min) chars long"))
            }
            if let pattern = schema["pattern"]?.stringValue, let regex = try? NSRegularExpression(pattern: pattern),
                regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
            {
                errors.append(.invalid(path, string: text, "\(path) in body should match '\(pattern)'"))
            }
        case .integer(let number):
            if let max = schema["maximum"]?.integerValue, number > max {
                errors.append(.invalid(path, rendered: String(number), "\(path) in body should be less than or equal to \(max)"))
            }
            if let min = schema["minimum"]?.integerValue, number < min {
                errors.append(.invalid(path, rendered: String(number), "\(path) in body should be greater than or equal to \(min)"))
            }
        case .array(let items):
            if let max = schema["maxItems"]?.integerValue, items.count > max {
                errors.append(FieldError(kind: .tooMany, field: path, renderedValue: String(items.count), detail: "must have at most \(max) items"))
            }
            if let min = schema["minItems"]?.integerValue, items.count < min {
                errors.append(.invalid(path, rendered: "\(items.count)", "\(path) in body should have at least \(min) items"))
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { errors += validate(item, schema: itemSchema, path: "\(path)[\(index)]") }
            }
        case .object(let members):
            for required in (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue) where members[required] == nil {
                errors.append(.required("\(path).\(required)"))
            }
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let memberSchema = schema["properties"]?[key] {
                    errors += validate(member, schema: memberSchema, path: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"], additional.objectValue != nil {
                    errors += validate(member, schema: additional, path: "\(path).\(key)")
                }
            }
        default:
            break
        }
        return errors
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("integer", .integer): true
        case ("number", .integer), ("number", .double): true
        default: false
        }
    }

    private static func typeError(_ value: JSONValue, schema: JSONValue, path: String) -> [FieldError] {
        let expected = schema["type"]?.stringValue ?? "object"
        let found: String = switch value {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
        return [FieldError(kind: .typeInvalid, field: path, renderedValue: FieldError.goQuoted(found),
                           detail: "\(path) in body must be of type \(expected): \"\(found)\"")]
    }

    private static func rendered(_ value: JSONValue) -> String {
        if case .string(let text) = value { return FieldError.goQuoted(text) }
        return value.encodedString()
    }
}

extension StructuralSchema {
    /// The schema of a custom resource type the sandbox serves, if it has one.
    static func of(_ type: ResourceType) -> StructuralSchema? {
        type.isCustom && type.group == "regcred.dev" && type.plural == "clusterpullsecrets" ? clusterPullSecret : nil
    }

    /// The ClusterPullSecret CRD's schema, read from the repository's `deploy/crds` (the file the
    /// cluster gets), so the sandbox checks exactly what a real API server would.
    static let clusterPullSecret: StructuralSchema? = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/crds/regcred.dev_clusterpullsecrets.yaml").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let crd = try? JSONValue(yaml: text),
            let schema = crd["spec"]?["versions"]?.arrayValue?.first?["schema"]?["openAPIV3Schema"]
        else { return nil }
        return StructuralSchema(root: schema)
    }()
}
