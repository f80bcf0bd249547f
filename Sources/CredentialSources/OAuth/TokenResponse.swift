// Reading a token out of a provider's success answer: the token field and its lifetime
// (`expires_in` seconds, as a number or, from Azure IMDS, a numeric string).
import Foundation
import RegcredCore

struct TokenResponse {
    let json: JSONValue
    let provider: String
    let what: String

    /// The JSON object of a success answer, or `.providerError` naming `what` was expected.
    init(_ response: ProviderResponse, provider: String, expecting what: String) throws(CredentialSourceError) {
        self.json = try response.json(provider: provider, expecting: what)
        self.provider = provider
        self.what = what
    }

    /// A non-empty string field, or `.providerError`.
    func string(_ field: String) throws(CredentialSourceError) -> String {
        guard let value = json[field]?.stringValue, !value.isEmpty else {
            throw CredentialSourceError(.providerError, provider: provider, "the \(what) has no \(field)")
        }
        return value
    }

    /// `expires_in` seconds after `now`; nil when absent or not a positive number.
    func expiry(after now: Date, field: String = "expires_in") -> Date? {
        let seconds: Double?
        switch json[field] {
        case .integer(let value): seconds = Double(value)
        case .double(let value): seconds = value
        case .string(let text): seconds = Double(text)
        default: seconds = nil
        }
        guard let seconds, seconds > 0 else { return nil }
        return now.addingTimeInterval(seconds)
    }
}
