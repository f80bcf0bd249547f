// KubeRequest: one API call before it is sent: verb, path, query, body. Built by ResourceClient,
// sent by KubeClient (which adds credentials, limits, retries).
import Foundation

public struct KubeRequest: Sendable {
    public enum Method: String, Sendable { case GET, POST, PUT, PATCH, DELETE }

    public var verb: RequestVerb
    public var method: Method
    public var path: String
    public var query: [(name: String, value: String)]
    public var body: Data?
    public var contentType: String?
    /// For messages: `get secrets app/regcred`.
    public var operation: String
    /// Overrides the client's request timeout for this request.
    public var timeout: Duration?

    public init(verb: RequestVerb, method: Method, path: String, query: [(name: String, value: String)] = [],
                body: Data? = nil, contentType: String? = nil, operation: String, timeout: Duration? = nil) {
        self.verb = verb
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
        self.operation = operation
        self.timeout = timeout
    }

    /// Path and query, with query values escaped strictly (selectors contain `=`, `!`, `,`, `(`).
    public var target: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(Self.escape($0.name))=\(Self.escape($0.value))" }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
