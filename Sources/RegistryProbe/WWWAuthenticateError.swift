// Why a `WWW-Authenticate` header could not be read, with the byte offset where reading stopped.

public enum WWWAuthenticateError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No challenge at all (an empty header, or only commas and spaces).
    case noChallenge
    /// Something other than a token where a scheme must start.
    case expectedScheme(offset: Int, found: String)
    /// A parameter name not followed by `=`.
    case expectedEquals(parameter: String, offset: Int)
    /// `name=` followed by nothing usable.
    case expectedValue(parameter: String, offset: Int)
    /// A quoted-string without its closing `"`.
    case unterminatedQuotedString(parameter: String)
    /// A control character (other than horizontal tab) inside a header value.
    case controlCharacter(offset: Int)
    /// Text after a parameter that is neither `,` nor the end of the header.
    case unexpectedText(offset: Int, found: String)

    public var description: String {
        switch self {
        case .noChallenge:
            "WWW-Authenticate names no challenge; a registry sends e.g. Bearer realm=\"https://…/token\",service=\"…\""
        case .expectedScheme(let offset, let found):
            "WWW-Authenticate: expected an auth scheme at byte \(offset), found \"\(found)\""
        case .expectedEquals(let parameter, let offset):
            "WWW-Authenticate: parameter \"\(parameter)\" has no \"=\" (byte \(offset))"
        case .expectedValue(let parameter, let offset):
            "WWW-Authenticate: parameter \"\(parameter)\" has no value (byte \(offset))"
        case .unterminatedQuotedString(let parameter):
            "WWW-Authenticate: the quoted value of \"\(parameter)\" is not closed"
        case .controlCharacter(let offset):
            "WWW-Authenticate: control character at byte \(offset)"
        case .unexpectedText(let offset, let found):
            "WWW-Authenticate: unexpected \"\(found)\" at byte \(offset); challenges and parameters are separated by commas"
        }
    }
}
