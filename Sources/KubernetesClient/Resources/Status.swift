// Status: the API server's answer for failures (and some successes, e.g. delete): code,
// machine-readable reason, human message and details. KubeAPIError is built from it.
import RegcredCore

public struct Status: JSONRepresentable, Codable, Equatable {
    /// "Success" or "Failure".
    public var status: String?
    public var message: String?
    /// CamelCase reason: NotFound, AlreadyExists, Conflict, Invalid, Gone, Expired, …
    public var reason: String?
    public var details: StatusDetails?
    public var code: Int?
    public var raw: JSONValue

    public init(status: String? = "Failure", message: String? = nil, reason: String? = nil, details: StatusDetails? = nil, code: Int? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
        self.code = code
        self.raw = .object(["apiVersion": .string("v1"), "kind": .string("Status")])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        status = try reader.optional("status")
        message = try reader.optional("message")
        reason = try reader.optional("reason")
        details = try reader.optional("details")
        code = try reader.optional("code")
        raw = json
    }

    /// A body is a Status when it says so; other 4xx/5xx bodies (proxies, HTML) are not.
    public static func decodeIfStatus(_ json: JSONValue) -> Status? {
        guard json["kind"]?.stringValue == "Status" else { return nil }
        return try? Status(json: json)
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("status", status)
        writer.set("message", message)
        writer.set("reason", reason)
        writer.set("details", details)
        writer.set("code", code)
        return writer.json
    }
}
