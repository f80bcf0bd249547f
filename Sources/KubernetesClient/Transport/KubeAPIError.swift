// KubeAPIError: a failed request, typed from the API server's Status body (NotFound, Conflict,
// Invalid with causes, …) or from the transport (unreachable, TLS, timeout), each with a message
// a user can act on. Messages carry the server's words and our hint, never credentials or data.

public struct KubeAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        case notFound = "NotFound"
        case alreadyExists = "AlreadyExists"
        case conflict = "Conflict"
        case forbidden = "Forbidden"
        case invalid = "Invalid"
        case gone = "Gone"
        case tooManyRequests = "TooManyRequests"
        case unauthorized = "Unauthorized"
        case badRequest = "BadRequest"
        case methodNotAllowed = "MethodNotAllowed"
        case unsupportedMediaType = "UnsupportedMediaType"
        case serverError = "InternalError"
        case serviceUnavailable = "ServiceUnavailable"
        case timeout = "Timeout"
        case unreachable = "Unreachable"
        case tls = "TLSFailure"
        case unexpectedResponse = "UnexpectedResponse"
    }

    public var reason: Reason
    /// HTTP status code, `nil` for transport failures.
    public var code: Int?
    /// The Status the server sent, when it sent one.
    public var status: Status?
    /// What was attempted: `get secrets app/regcred`.
    public var operation: String
    /// The server's message, or ours for transport failures.
    public var message: String
    /// What the user can do about it.
    public var hint: String?

    public init(reason: Reason, code: Int?, status: Status? = nil, operation: String, message: String, hint: String? = nil) {
        self.reason = reason
        self.code = code
        self.status = status
        self.operation = operation
        self.message = message
        self.hint = hint
    }

    /// Field-level causes of an Invalid (or other) error.
    public var causes: [StatusCause] { status?.details?.causes ?? [] }

    public var retryAfterSeconds: Int? { status?.details?.retryAfterSeconds }

    public var description: String {
        var text = "\(operation): \(message)"
        if reason == .invalid, !causes.isEmpty, !causes.allSatisfy({ message.contains($0.description) }) {
            text += " (" + causes.map(\.description).joined(separator: "; ") + ")"
        }
        if let hint { text += " — \(hint)" }
        return text
    }
}

extension KubeAPIError {
    /// Types an HTTP error answer. The Status reason wins when present; the code decides otherwise
    /// (a proxy's 502 page has no Status).
    public static func from(code: Int, status: Status?, operation: String, server: String) -> KubeAPIError {
        let reason: Reason = switch (status?.reason, code) {
        case ("NotFound", _), (nil, 404): .notFound
        case ("AlreadyExists", _): .alreadyExists
        case ("Conflict", _), (nil, 409): .conflict
        case ("Forbidden", _), (nil, 403): .forbidden
        case ("Invalid", _), (nil, 422): .invalid
        case ("Gone", _), ("Expired", _), (nil, 410): .gone
        case ("TooManyRequests", _), (nil, 429): .tooManyRequests
        case ("Unauthorized", _), (nil, 401): .unauthorized
        case ("BadRequest", _), (nil, 400): .badRequest
        case ("MethodNotAllowed", _), (nil, 405): .methodNotAllowed
        case ("UnsupportedMediaType", _), (nil, 415): .unsupportedMediaType
        case ("ServiceUnavailable", _), (nil, 503): .serviceUnavailable
        case ("Timeout", _), (nil, 504): .timeout
        case (_, 404): .notFound
        case (_, 409): .conflict
        case (_, 401): .unauthorized
        case (_, 403): .forbidden
        case (_, 410): .gone
        case (_, 422): .invalid
        case (_, 429): .tooManyRequests
        case (_, 500...599): .serverError
        case (_, 400...499): .badRequest
        default: .unexpectedResponse
        }
        let message = status?.message.flatMap { $0.isEmpty ? nil : $0 } ?? "the server answered HTTP \(code)"
        let hint: String? = switch reason {
        case .unauthorized: "the credentials were rejected; they may have expired: log in again or check the user in your kubeconfig"
        case .forbidden where message.contains("exceeded quota: "):
            "a ResourceQuota in that namespace allows no more such objects: raise its limit (kubectl describe quota -n NAMESPACE) or exclude the namespace"
        case .forbidden where message.contains("because it is being terminated"):
            "the namespace is being deleted; nothing can be created in it"
        case .forbidden: "ask a cluster admin for RBAC permission for this verb and resource"
        case .conflict: "the object changed since it was read; read it again and retry"
        case .alreadyExists: "it exists already; update it instead"
        case .gone: "the requested resourceVersion is too old; list again"
        case .tooManyRequests: "the API server is overloaded; try again later"
        case .serverError, .serviceUnavailable, .timeout: "the API server at \(server) is having trouble; try again"
        default: nil
        }
        return KubeAPIError(reason: reason, code: code, status: status, operation: operation, message: message, hint: hint)
    }

    /// Types a transport failure for a user: what failed, and the likeliest fix.
    public static func from(transport failure: TransportFailure, operation: String, server: String) -> KubeAPIError {
        switch failure {
        case .connectFailed(let detail):
            return KubeAPIError(reason: .unreachable, code: nil, operation: operation,
                                message: "cannot reach \(server): \(detail)",
                                hint: "is the cluster running and is --context right?")
        case .connectionLost(let detail):
            return KubeAPIError(reason: .unreachable, code: nil, operation: operation,
                                message: "connection to \(server) lost: \(detail)", hint: "check the network or try again")
        case .timedOut:
            return KubeAPIError(reason: .timeout, code: nil, operation: operation,
                                message: "no answer from \(server) in time", hint: "the cluster may be overloaded or unreachable; try again")
        case .tls(let detail):
            return KubeAPIError(reason: .tls, code: nil, operation: operation,
                                message: "TLS handshake with \(server) failed: \(detail)",
                                hint: "check certificate-authority(-data), tls-server-name and the client certificate in your kubeconfig")
        }
    }
}

extension KubeAPIError {
    public var isNotFound: Bool { reason == .notFound }
    public var isConflict: Bool { reason == .conflict }
    public var isAlreadyExists: Bool { reason == .alreadyExists }
    public var isGone: Bool { reason == .gone }
}
