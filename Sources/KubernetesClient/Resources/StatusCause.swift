// StatusCause: one reason a request was Invalid ("data[.dockerconfigjson]: Required value").
import RegcredCore

public struct StatusCause: JSONRepresentable, Codable, Equatable, CustomStringConvertible {
    /// FieldValueRequired, FieldValueInvalid, FieldValueDuplicate, …
    public var reason: String?
    public var message: String?
    /// The field path, e.g. `metadata.name` or `data[.dockerconfigjson]`.
    public var field: String?

    public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
        self.reason = reason
        self.message = message
        self.field = field
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        reason = try reader.optional("reason")
        message = try reader.optional("message")
        field = try reader.optional("field")
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(.object([:]))
        writer.set("reason", reason)
        writer.set("message", message)
        writer.set("field", field)
        return writer.json
    }

    public var description: String {
        switch (field, message) {
        case (let field?, let message?): "\(field): \(message)"
        case (nil, let message?): message
        case (let field?, nil): "\(field): \(reason ?? "invalid")"
        case (nil, nil): reason ?? "invalid"
        }
    }
}
