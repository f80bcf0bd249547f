// The one way sources talk HTTP: a request out, status + body back, every transport failure
// mapped to `.unreachable` and every body capped; a form POST, and a token answer read from a
// success or a `ProviderFailure` from anything else, in one sequence for every OAuth-style provider.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOFoundationCompat
import NIOHTTP1
import NetworkFaults
import RegcredCore

public struct ProviderResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as a JSON object, or `.providerError` naming the provider and what was expected.
    public func json(provider: String, expecting what: String) throws(CredentialSourceError) -> JSONValue {
        guard let json = try? JSONValue(parsing: body), json.objectValue != nil else {
            throw CredentialSourceError(.providerError, provider: provider, "answered HTTP \(status) without a JSON \(what)")
        }
        return json
    }

    /// The token answer of a success (a status in `accepting`), else the provider's failure to `action`
    /// (`hint` added for refusals, every string in `hiding` cut out of the provider's words).
    func tokenAnswer(
        accepting statuses: Set<Int> = [200], provider: String, action: String, hint: String? = nil, hiding: [String] = [],
        expecting what: String
    ) throws(CredentialSourceError) -> TokenResponse {
        guard statuses.contains(status) else {
            throw ProviderFailure.error(self, provider: provider, action: action, hint: hint, hiding: hiding)
        }
        return try TokenResponse(self, provider: provider, expecting: what)
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

    /// POSTs `form` (`application/x-www-form-urlencoded`) to `url`, asking for JSON: an OAuth2 token request.
    static func postForm(
        _ url: String, _ form: [(String, String)], provider: String, context: SourceContext
    ) async throws(CredentialSourceError) -> ProviderResponse {
        try await send(
            .POST, url, headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: formBody(form), provider: provider, context: context)
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
