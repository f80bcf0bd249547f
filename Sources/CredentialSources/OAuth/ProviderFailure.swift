// What a provider's non-success answer means, in one place for every token source: the kind
// (rejected credentials, a configuration to fix, a provider to retry) and the provider's own words
// (OAuth `error`/`error_description`, Docker `errors[]`, GitHub `message`), without secrets.
import Foundation
import RegcredCore

enum ProviderFailure {
    /// OAuth2 error codes (RFC 6749 §5.2) that mean "these credentials are not accepted".
    static let rejectingCodes: Set<String> = ["invalid_grant", "invalid_client", "unauthorized_client", "access_denied"]

    /// The error for a non-success `response` to `action` ("GCP token request to https://…").
    /// `hint` is added for refusals; every string in `hiding` is cut out of the provider's words.
    static func error(
        _ response: ProviderResponse, provider: String, action: String, hint: String? = nil, hiding secrets: [String] = []
    ) -> CredentialSourceError {
        let (code, detail) = providerWords(response.body)
        let kind: CredentialSourceError.Kind
        switch response.status {
        case 401, 403: kind = .rejected
        case 400 where code.map(rejectingCodes.contains) == true: kind = .rejected
        case 429, 500...: kind = .providerError
        case 400..<500: kind = .misconfigured
        default: kind = .providerError
        }
        var message = "\(action) failed: HTTP \(response.status)"
        if let detail { message += ": \(detail)" }
        if let hint, kind != .providerError { message += "; \(hint)" }
        return CredentialSourceError(kind, provider: provider, scrub(message, hiding: secrets))
    }

    /// The provider's error code and a one-line explanation from the body, if it is JSON with one.
    static func providerWords(_ body: Data) -> (code: String?, detail: String?) {
        guard let json = try? JSONValue(parsing: body) else { return (nil, nil) }
        if let code = json["error"]?.stringValue {
            let description = json["error_description"]?.stringValue
            return (code, oneLine(description.map { "\(code): \($0)" } ?? code))
        }
        if let errors = json["errors"]?.arrayValue, !errors.isEmpty {
            let parts = errors.compactMap { error -> String? in
                let code = error["code"]?.stringValue
                let message = error["message"]?.stringValue
                return [code, message].compactMap { $0 }.joined(separator: ": ")
            }
            return (errors.first?["code"]?.stringValue, oneLine(parts.joined(separator: "; ")))
        }
        if let message = json["message"]?.stringValue { return (nil, oneLine(message)) }
        if let message = json["error"]?["message"]?.stringValue { return (json["error"]?["status"]?.stringValue, oneLine(message)) }
        return (nil, nil)
    }

    /// Removes every secret (longer than 3 characters) from `text`, in case a provider echoes one.
    static func scrub(_ text: String, hiding secrets: [String]) -> String {
        secrets.filter { $0.count > 3 }.reduce(text) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
    }

    private static func oneLine(_ text: String) -> String? {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        guard !flat.isEmpty else { return nil }
        return flat.count > 300 ? String(flat.prefix(300)) + "…" : flat
    }
}
