// KubeResponse: a successful answer, fully read (non-watch requests are small).
import Foundation
import RegcredCore

public struct KubeResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        // Header names are ASCII; Foundation's caseInsensitiveCompare would fold through CoreFoundation's Unicode tables.
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body as JSON; `operation` names the request in the error.
    public func json(operation: String) throws(KubeAPIError) -> JSONValue {
        do { return try JSONValue(parsing: body) } catch {
            throw KubeAPIError(reason: .unexpectedResponse, code: status, operation: operation, message: "the server's answer is \(error)")
        }
    }
}
