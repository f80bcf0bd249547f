// `update`: the "replace the token" command kubectl lacks. Password and auth are recomputed for
// all entries or the named ones; every other registry, field and piece of metadata is kept.
import RegcredCore

public struct UpdatePullSecret: Sendable {
    public var registries: [String]
    public var username: String?
    public var password: Redacted<String>

    public init(registries: [String], username: String?, password: Redacted<String>) {
        self.registries = registries
        self.username = username
        self.password = password
    }

    /// The document with new credentials, rendered in the syntax it came in.
    public func apply(to text: String) throws -> String {
        var document = try PullSecretDocument(parsing: text)
        document.config = try document.config.replacingCredentials(
            password: password.value, username: username, registries: registries)
        try document.config.checkedForWrite()
        return document.rendered()
    }
}
