// FieldError: one validation failure on one field, formatted like apimachinery's field.Error
// ("metadata.name: Invalid value: \"Foo\": a lowercase RFC 1123 …") and as a Status cause.
import RegcredCore

struct FieldError: Sendable, CustomStringConvertible {
    enum Kind: String, Sendable {
        case required = "FieldValueRequired"
        case invalid = "FieldValueInvalid"
        /// field.TypeInvalid: worded as "Invalid value", but it blocks CEL rules (hasBlockingErr).
        case typeInvalid = "FieldValueTypeInvalid"
        case forbidden = "FieldValueForbidden"
        case tooLong = "FieldValueTooLong"
        case notSupported = "FieldValueNotSupported"
        case tooMany = "FieldValueTooMany"
        case duplicate = "FieldValueDuplicate"
    }

    var kind: Kind
    var field: String
    /// The offending value, already rendered as Go's `%#v` would (`"abc"`, `0x0`, `true`).
    var renderedValue: String?
    var detail: String

    static func required(_ field: String, _ detail: String = "") -> FieldError {
        FieldError(kind: .required, field: field, renderedValue: nil, detail: detail)
    }

    static func invalid(_ field: String, string value: String, _ detail: String) -> FieldError {
        FieldError(kind: .invalid, field: field, renderedValue: goQuoted(value), detail: detail)
    }

    static func invalid(_ field: String, rendered value: String, _ detail: String) -> FieldError {
        FieldError(kind: .invalid, field: field, renderedValue: value, detail: detail)
    }

    static func forbidden(_ field: String, _ detail: String) -> FieldError {
        FieldError(kind: .forbidden, field: field, renderedValue: nil, detail: detail)
    }

    /// `Unsupported value: "X": supported values: "A", "B"`, as field.NotSupported words it.
    static func notSupported(_ field: String, string value: String, supported: [String]) -> FieldError {
        FieldError(kind: .notSupported, field: field, renderedValue: goQuoted(value),
                   detail: "supported values: " + supported.map(goQuoted).joined(separator: ", "))
    }

    static func duplicate(_ field: String, string value: String) -> FieldError {
        FieldError(kind: .duplicate, field: field, renderedValue: goQuoted(value), detail: "")
    }

    static func tooLong(_ field: String, max: Int) -> FieldError {
        FieldError(kind: .tooLong, field: field, renderedValue: nil, detail: "must have at most \(max) bytes")
    }

    /// The body after the field path: the type's words, the value for value-carrying types, the detail.
    var body: String {
        var text: String
        switch kind {
        case .required: text = "Required value"
        case .forbidden: text = "Forbidden"
        case .tooLong: text = "Too long"
        case .invalid, .typeInvalid: text = "Invalid value: \(renderedValue ?? "\"\"")"
        case .notSupported: text = "Unsupported value: \(renderedValue ?? "\"\"")"
        case .tooMany: text = "Too many: \(renderedValue ?? "0")"
        case .duplicate: text = "Duplicate value: \(renderedValue ?? "\"\"")"
        }
        if !detail.isEmpty { text += ": \(detail)" }
        return text
    }

    var description: String { "\(field): \(body)" }

    var cause: JSONValue {
        .object(["reason": .string(kind.rawValue), "message": .string(body), "field": .string(field)])
    }

    static func goQuoted(_ value: String) -> String {
        var out = "\""
        for character in value.unicodeScalars {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(character)
            }
        }
        return out + "\""
    }
}
