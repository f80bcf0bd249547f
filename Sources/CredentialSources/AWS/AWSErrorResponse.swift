// What an AWS error answer says (JSON `__type`/`message`, or the Query protocol's XML `<Code>`/`<Message>`)
// and which CredentialSourceError kind it is. Messages are AWS's own; they never echo keys or tokens.
import Foundation
import RegcredCore

public struct AWSErrorResponse: Hashable, Sendable {
    public var status: Int
    /// The bare error code, e.g. `UnrecognizedClientException`, `AccessDenied`, `ThrottlingException`.
    public var code: String?
    public var message: String?

    public init(status: Int, code: String?, message: String?) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// Reads the error from a JSON 1.1 or an XML body; whatever it cannot read stays nil.
    public init(status: Int, body: Data) {
        self.status = status
        if let json = try? JSONValue(parsing: body), json.objectValue != nil {
            let type = json["__type"]?.stringValue ?? json["code"]?.stringValue ?? json["Code"]?.stringValue
            code = type.map(Self.bareCode)
            message = json["message"]?.stringValue ?? json["Message"]?.stringValue
        } else if let text = String(data: body, encoding: .utf8), text.contains("<") {
            code = XMLText.first("Code", in: text)
            message = XMLText.first("Message", in: text)
        }
    }

    /// `com.amazonaws.ecr#ThrottlingException` and `ThrottlingException:http://…` both mean `ThrottlingException`.
    static func bareCode(_ type: String) -> String {
        var code = Substring(type)
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        return String(code)
    }

    static let rejectedCodes: Set<String> = [
        "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch", "InvalidClientTokenId",
        "AccessDenied", "AccessDeniedException", "ExpiredToken", "ExpiredTokenException", "IncompleteSignature",
        "MissingAuthenticationToken", "InvalidIdentityToken", "IDPRejectedClaim", "AuthFailure",
    ]
    static let transientCodes: Set<String> = [
        "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "ServiceUnavailable",
        "ServiceUnavailableException", "InternalFailure", "InternalError", "ServerException", "IDPCommunicationError",
    ]

    /// Refused credentials are `.rejected` (fix the keys or the policy); throttling and 5xx are `.providerError`
    /// (retry); any other 4xx is a request the spec made wrong (`.misconfigured`).
    public var kind: CredentialSourceError.Kind {
        if let code, Self.rejectedCodes.contains(code) { return .rejected }
        if let code, Self.transientCodes.contains(code) { return .providerError }
        if status == 401 || status == 403 { return .rejected }
        if status >= 500 || status == 429 { return .providerError }
        return status >= 400 ? .misconfigured : .providerError
    }

    /// `HTTP 403 AccessDenied: User … is not authorized to perform: ecr:GetAuthorizationToken`.
    public var summary: String {
        var text = "HTTP \(status)"
        if let code { text += " \(code)" }
        if let message, !message.isEmpty { text += ": \(message.prefix(300))" }
        return text
    }

    public func error(provider: String, doing action: String, hint: String? = nil) -> CredentialSourceError {
        var message = "\(action) failed: \(summary)"
        if kind == .rejected, let hint { message += "; \(hint)" }
        return CredentialSourceError(kind, provider: provider, message)
    }
}

/// A deliberately small reader for the flat XML that STS and AWS Query errors answer with: the text of the
/// first `<Name>` element, entities decoded. It does not handle CDATA or attributes, which these answers never use.
enum XMLText {
    static func first(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"),
              let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return decodeEntities(String(xml[open.upperBound..<close.lowerBound])).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The text of the first `<name>` inside the first `<parent>`.
    static func first(_ name: String, inside parent: String, of xml: String) -> String? {
        guard let open = xml.range(of: "<\(parent)>"),
              let close = xml.range(of: "</\(parent)>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return first(name, in: String(xml[open.upperBound..<close.lowerBound]))
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#xD;", with: "\r").replacingOccurrences(of: "&amp;", with: "&")
    }
}
