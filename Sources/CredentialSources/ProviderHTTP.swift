// The one way sources talk HTTP: a request out, status + body back, every transport failure
// mapped to `.unreachable` and every body capped. Providers interpret statuses themselves.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOFoundationCompat
import NIOHTTP1
import NetworkFaults

public struct ProviderResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as JSON, or `.providerError` naming the provider and what was expected.
    public func json(provider: String, expecting what: String) throws(CredentialSourceError) -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw CredentialSourceError(.providerError, provider: provider, "answered HTTP \(status) without a JSON \(what)")
        }
        return object
    }
}

public enum ProviderHTTP {
    /// Largest body a provider may send; token responses are a few KB.
    static let maximumBody = 1 << 20

    /// Sends `method url` with `headers` and `body`. Never logs or echoes the body: it may hold credentials.
    public static func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: Data? = nil, provider: String,
        context: SourceContext
    ) async throws(CredentialSourceError) -> ProviderResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(data: body))
        }
        do {
            let response = try await context.http.execute(request, timeout: .nanoseconds(context.timeout.nanoseconds))
            let bytes = try await response.body.collect(upTo: maximumBody)
            return ProviderResponse(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                body: Data(bytes.readableBytesView))
        } catch {
            throw CredentialSourceError(.unreachable, provider: provider, "cannot reach \(redactingQuery(url)): \(describe(error))")
        }
    }

    /// `application/x-www-form-urlencoded` as OAuth2 and the AWS Query protocol expect it.
    public static func formBody(_ fields: [(String, String)]) -> Data {
        Data(fields.map { "\(formEscape($0.0))=\(formEscape($0.1))" }.joined(separator: "&").utf8)
    }

    static func formEscape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Query strings may carry tokens (signed URLs); error messages show the endpoint only.
    static func redactingQuery(_ url: String) -> String {
        url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    }

    static func describe(_ error: any Error) -> String {
        TransportFault(classifying: error).detail
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
