// APIError: a failed request as the real API server reports it, a metav1.Status with code,
// reason, message and details. Constructors reproduce kube-apiserver's wording exactly,
// because clients (and people) match on these sentences.
import RegcredCore

struct APIError: Error, Sendable {
    var code: Int
    var reason: String
    var message: String
    var details: JSONValue?
    /// Extra response headers, e.g. `Retry-After` on 429.
    var headers: [String: String] = [:]
    /// Extra members of the Status `metadata` (the inconsistent `continue` token on a 410 list).
    var listMeta: [String: JSONValue] = [:]

    var status: JSONValue {
        var object: [String: JSONValue] = [
            "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object(listMeta),
            "status": .string("Failure"), "message": .string(message), "code": .integer(Int64(code)),
        ]
        // A webhook's denial may carry no reason; metav1.Status omits an empty one.
        if !reason.isEmpty { object["reason"] = .string(reason) }
        if let details { object["details"] = details }
        return .object(object)
    }

    /// `details` as the server fills it: name, group (omitted when core), kind = resource plural.
    static func details(_ type: ResourceType?, name: String, causes: [JSONValue] = []) -> JSONValue {
        var members: [String: JSONValue] = [:]
        if !name.isEmpty { members["name"] = .string(name) }
        if let type {
            if !type.group.isEmpty { members["group"] = .string(type.group) }
            members["kind"] = .string(type.plural)
        }
        if !causes.isEmpty { members["causes"] = .array(causes) }
        return .object(members)
    }

    static func notFound(_ type: ResourceType, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(type.qualifiedName) \"\(name)\" not found",
                 details: details(type, name: name))
    }

    static func alreadyExists(_ type: ResourceType, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(type.qualifiedName) \"\(name)\" already exists",
                 details: details(type, name: name))
    }

    static func conflict(_ type: ResourceType, _ name: String, _ why: String) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(type.qualifiedName) \"\(name)\": \(why)",
                 details: details(type, name: name))
    }

    static func staleUpdate(_ type: ResourceType, _ name: String) -> APIError {
        conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again")
    }

    /// 422: `<Kind> "<name>" is invalid: <field errors joined by ", ">`, each error also a cause.
    static func invalid(_ type: ResourceType, _ name: String, _ errors: [FieldError]) -> APIError {
        let joined = errors.count == 1
            ? errors[0].description
            : "[" + errors.map(\.description).joined(separator: ", ") + "]"
        var detailMembers = details(type, name: name).objectValue ?? [:]
        detailMembers["kind"] = .string(type.kind)
        detailMembers["causes"] = .array(errors.map(\.cause))
        // apimachinery's NewInvalid names the GroupKind: "Event.events.k8s.io", "Secret".
        let groupKind = type.group.isEmpty ? type.kind : "\(type.kind).\(type.group)"
        return APIError(code: 422, reason: "Invalid", message: "\(groupKind) \"\(name)\" is invalid: \(joined)",
                        details: .object(detailMembers))
    }

    static func forbidden(_ type: ResourceType?, _ name: String, _ why: String, causes: [JSONValue] = []) -> APIError {
        let subject = type.map { name.isEmpty ? $0.qualifiedName : "\($0.qualifiedName) \"\(name)\"" } ?? "forbidden"
        return APIError(code: 403, reason: "Forbidden", message: "\(subject) is forbidden: \(why)",
                        details: details(type, name: name, causes: causes))
    }

    /// apierrors.NewInternalError: 500 with the error as the one cause.
    static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)",
                 details: .object(["causes": .array([.object(["message": .string(message)])])]))
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    static func methodNotAllowed(_ verb: String, _ type: ResourceType?) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed",
                 message: "the server does not allow this method on the requested resource",
                 details: type.map { details($0, name: "") })
    }

    static func pathNotFound() -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource",
                 details: .object(["causes": .array([.object(["reason": .string("UnexpectedServerResponse"), "message": .string("404 page not found")])])]))
    }

    static func gone(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    static func unsupportedMediaType(_ contentType: String, accepted: [String]) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType",
                 message: "the body of the request was in an unknown format - accepted media types include: "
                     + accepted.joined(separator: ", "))
    }

    /// A failure injected by `FaultInjector`; reasons follow the codes the real server uses.
    static func injected(code: Int, type: ResourceType?, name: String, retryAfter: Int?) -> APIError {
        var error: APIError
        switch code {
        case 409 where type != nil: error = staleUpdate(type!, name)
        case 429: error = APIError(code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later.",
                                   details: .object(["retryAfterSeconds": .integer(Int64(retryAfter ?? 1))]))
        case 500: error = APIError(code: 500, reason: "InternalError", message: "Internal error occurred: injected fault",
                                   details: .object(["causes": .array([.object(["message": .string("injected fault")])])]))
        case 503: error = APIError(code: 503, reason: "ServiceUnavailable", message: "The server is currently unable to handle the request")
        case 504: error = APIError(code: 504, reason: "Timeout", message: "The server was unable to return a response in the time allotted, but may still be processing the request")
        case 410: error = gone("injected: resource version too old")
        case 404 where type != nil: error = notFound(type!, name)
        default: error = APIError(code: code, reason: "Unknown", message: "injected fault (\(code))")
        }
        if let retryAfter { error.headers["Retry-After"] = String(retryAfter) }
        return error
    }
}
