// One authentication challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1): a scheme with
// either auth-params or a token68. Parsing lives in AuthChallenge+parsing.swift.

/// A challenge such as `Bearer realm="https://auth.example.com/token",service="registry"`.
///
/// The scheme and parameter names are case-insensitive (RFC 9110 §11.1, §11.2), so both are
/// stored lowercased; parameter values are kept exactly as sent, with quoted-string escapes
/// removed.
public struct AuthChallenge: Hashable, Sendable, CustomStringConvertible {
    /// The auth-scheme, lowercased: `basic`, `bearer`, `negotiate` …
    public let scheme: String
    /// The auth-params by lowercased name. A repeated name keeps its first value.
    public let parameters: [String: String]
    /// The token68 form (`Negotiate YIIB…`), when the challenge carries one instead of params.
    public let token68: String?

    public init(scheme: String, parameters: [String: String] = [:], token68: String? = nil) {
        self.scheme = scheme.lowercased()
        self.parameters = parameters
        self.token68 = token68
    }

    /// A parameter by case-insensitive name.
    public subscript(parameter name: String) -> String? { parameters[name.lowercased()] }

    /// `realm` of the challenge (for Bearer, the token endpoint).
    public var realm: String? { self[parameter: "realm"] }

    /// Readable form without escaping rules; challenges carry no secrets.
    public var description: String {
        let parameterText = parameters.keys.sorted().map { "\($0)=\"\(parameters[$0]!)\"" }.joined(separator: ",")
        if let token68 { return "\(scheme) \(token68)" }
        return parameterText.isEmpty ? scheme : "\(scheme) \(parameterText)"
    }
}
