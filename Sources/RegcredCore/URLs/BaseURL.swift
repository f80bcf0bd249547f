// The one rule for a base URL a user or an environment variable may write with trailing slashes
// (`https://login.example/`, `http://169.254.169.254//`): every trailing slash is dropped, and a
// path is joined to it with exactly one slash, so no caller sends `//path` to a provider.

/// A URL (or `host[:port]`) without trailing slashes, to which paths are joined.
public struct BaseURL: Hashable, Sendable, CustomStringConvertible {
    /// The text without any trailing slash: `https://a/` and `https://a//` are both `https://a`.
    public let text: String

    public init(_ text: some StringProtocol) {
        var trimmed = Substring(text)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        self.text = String(trimmed)
    }

    /// `text` + `/` + `path`, with exactly one slash between them whether or not `path` starts with one.
    public func appending(_ path: some StringProtocol) -> String {
        var relative = Substring(path)
        while relative.hasPrefix("/") { relative = relative.dropFirst() }
        return text + "/" + relative
    }

    public var description: String { text }
}
