// AuthenticationError: why no credentials could be produced (token file, exec plugin,
// client certificate), with what to do about it. Never includes the secret itself.

public enum AuthenticationError: Error, Equatable, Sendable, CustomStringConvertible {
    case tokenFileUnreadable(path: String)
    case tokenFileEmpty(path: String)
    case execNotFound(command: String, installHint: String?)
    case execFailed(command: String, status: String, stderr: String)
    case execInteractiveRequired(command: String)
    case execBadOutput(command: String, detail: String)
    case invalidClientCertificate(detail: String)
    case invalidCertificateAuthority(detail: String)

    public var description: String {
        switch self {
        case .tokenFileUnreadable(let path):
            "cannot read token file \(path)"
        case .tokenFileEmpty(let path):
            "token file \(path) is empty"
        case .execNotFound(let command, let hint):
            "exec credential plugin \"\(command)\" not found" + (hint.map { ": \($0)" } ?? "; is it installed and in PATH?")
        case .execFailed(let command, let status, let stderr):
            "exec credential plugin \"\(command)\" failed (\(status))" + (stderr.isEmpty ? "" : ": \(stderr)")
        case .execInteractiveRequired(let command):
            "exec credential plugin \"\(command)\" needs an interactive terminal (interactiveMode: Always), which regcred cannot offer"
        case .execBadOutput(let command, let detail):
            "exec credential plugin \"\(command)\" printed an unusable ExecCredential: \(detail)"
        case .invalidClientCertificate(let detail):
            "client certificate or key is unusable: \(detail)"
        case .invalidCertificateAuthority(let detail):
            "certificate authority is unusable: \(detail)"
        }
    }
}
