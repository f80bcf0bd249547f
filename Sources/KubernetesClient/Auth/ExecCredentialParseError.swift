// ExecCredentialParseError: why an exec plugin's output is not a usable ExecCredential.

public struct ExecCredentialParseError: Error, Equatable, Sendable {
    public var detail: String
}
