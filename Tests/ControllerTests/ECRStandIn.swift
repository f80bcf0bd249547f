// A stand-in for the ECR API on 127.0.0.1 that counts GetAuthorizationToken calls, as the fake
// peer of the controller's ECR end-to-end test (signatures are checked against moto in
// CredentialSourcesTests; here the question is how often the controller asks).
import Foundation
import Hummingbird
import NIOCore
import Synchronization
import TestPeers

final class ECRStandIn: Sendable {
    struct State {
        var calls = 0
        var signedCalls = 0
        var token = "ecr-token-1"
        var lifetime: TimeInterval = 12 * 3600
        var failing = false
    }

    let state = Mutex(State())
    private let server: Mutex<LoopbackHTTPServer?> = Mutex(nil)
    var port: Int { server.withLock { $0?.port ?? 0 } }

    var endpoint: String { "http://127.0.0.1:\(port)" }
    var calls: Int { state.withLock { $0.calls } }

    static func start() async throws -> ECRStandIn {
        let standIn = ECRStandIn()
        try await standIn.listen()
        return standIn
    }

    func set(token: String? = nil, lifetime: TimeInterval? = nil, failing: Bool = false) {
        state.withLock {
            if let token { $0.token = token }
            if let lifetime { $0.lifetime = lifetime }
            $0.failing = failing
        }
    }

    private func listen() async throws {
        let router = Router()
        router.post("/") { [self] request, _ -> Response in
            let target = request.headers.first { $0.name.rawName.lowercased() == "x-amz-target" }?.value ?? ""
            let authorization = request.headers[.authorization] ?? ""
            let (token, lifetime, failing) = state.withLock { s in
                s.calls += 1
                if authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDSTANDIN/") { s.signedCalls += 1 }
                return (s.token, s.lifetime, s.failing)
            }
            guard target == "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken" else {
                return Self.json(.badRequest, #"{"__type":"UnknownOperationException","message":"unknown target"}"#)
            }
            if failing {
                return Self.json(.serviceUnavailable, #"{"__type":"ServiceUnavailableException","message":"stand-in outage"}"#)
            }
            let encoded = Data("AWS:\(token)".utf8).base64EncodedString()
            let expiresAt = Date().addingTimeInterval(lifetime).timeIntervalSince1970
            return Self.json(.ok, #"{"authorizationData":[{"authorizationToken":"\#(encoded)","expiresAt":\#(expiresAt),"proxyEndpoint":"https://123456789012.dkr.ecr.us-east-1.amazonaws.com"}]}"#)
        }
        let started = try await LoopbackHTTPServer.start("ECR stand-in", router: router)
        server.withLock { $0 = started }
    }

    func stop() async {
        await server.withLock { $0 }?.stop()
    }

    private static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/x-amz-json-1.1"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
