// A provider endpoint for one test: serves HTTP on 127.0.0.1 (a free port), records every
// request, and answers with the test's `respond` closure, which plays the real provider's part
// (checking signatures, grant types and headers, refusing what the provider would refuse).
import Foundation
import Hummingbird
import NIOCore
import RegcredCore
import Synchronization
import TestPeers

struct StandInRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    /// Header names lowercased.
    var headers: [String: String]
    var body: Data

    /// The body as text (AWS JSON 1.1 and Query bodies).
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as `application/x-www-form-urlencoded` fields.
    var form: [String: String] { Self.fields(String(decoding: body, as: UTF8.self)) }

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    static func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}

struct StandInReply: Sendable {
    var status: Int
    var body: Data

    /// A status and a body as written (AWS XML, JSON text, an IMDS token).
    init(_ answer: (status: Int, body: String)) {
        self.init(status: answer.status, body: Data(answer.body.utf8))
    }

    init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }

    static func json(_ status: Int, _ members: [String: JSONValue]) -> StandInReply {
        StandInReply(status: status, body: JSONValue.object(members).encoded())
    }
    /// An OAuth2 error answer (RFC 6749 §5.2).
    static func oauthError(_ status: Int, _ code: String, _ description: String) -> StandInReply {
        .json(status, ["error": .string(code), "error_description": .string(description)])
    }
}

final class ProviderStandIn: Sendable {
    private let server: LoopbackHTTPServer
    private let recorded: RequestLog

    var baseURL: String { server.baseURL }
    var requests: [StandInRequest] { recorded.all }

    private init(server: LoopbackHTTPServer, recorded: RequestLog) {
        self.server = server
        self.recorded = recorded
    }

    /// Runs `body` with a stand-in answering through `respond`; stops it afterwards, also when `body` throws.
    static func serving<T>(
        _ respond: @escaping @Sendable (StandInRequest) -> StandInReply, _ body: (ProviderStandIn) async throws -> T
    ) async throws -> T {
        let standIn = try await start(respond)
        return try await withRunning { try await body(standIn) } finally: { await standIn.stop() }
    }

    /// A URL where nothing listens. Port 1 is privileged and never handed out by the kernel, so
    /// unlike a stopped stand-in's port, no server started by a parallel test can take it.
    static let closedURL = "http://127.0.0.1:1"

    private static func start(_ respond: @escaping @Sendable (StandInRequest) -> StandInReply) async throws -> ProviderStandIn {
        let recorded = RequestLog()
        let server = try await LoopbackHTTPServer.start(
            "provider stand-in", responder: StandInResponder(respond: respond, record: recorded.append))
        return ProviderStandIn(server: server, recorded: recorded)
    }

    func stop() async {
        await server.stop()
    }
}

private final class RequestLog: Sendable {
    private let requests = Mutex<[StandInRequest]>([])
    var all: [StandInRequest] { requests.withLock { $0 } }
    @Sendable func append(_ request: StandInRequest) { requests.withLock { $0.append(request) } }
}

private struct StandInResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let respond: @Sendable (StandInRequest) -> StandInReply
    let record: @Sendable (StandInRequest) -> Void

    func respond(to request: Request, context: Context) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        // HTTP/1 `Host` arrives as the request's authority.
        headers["host"] = request.head.authority
        let recorded = StandInRequest(
            method: request.method.rawValue, path: request.uri.path, query: StandInRequest.fields(request.uri.query ?? ""),
            headers: headers, body: Data(buffer.readableBytesView))
        record(recorded)
        let reply = respond(recorded)
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}
