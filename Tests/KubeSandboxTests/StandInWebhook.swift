// StandInWebhook: an admission webhook for the sandbox to call, served over HTTPS on 127.0.0.1
// with a throw-away CA. It records every AdmissionReview it receives and answers what the test
// configures; `with` stops it whether the test passed or not.
import Foundation
import Hummingbird
import NIOCore
import NIOSSL
import RegcredCore
import Synchronization
import TestPeers

final class StandInWebhook: Sendable {
    enum Answer: Sendable {
        case allow
        /// Allowed with these JSON Patch operations (sent base64-encoded, patchType JSONPatch).
        case patch(JSONValue)
        /// Refused with this `response.status` (nil: no status at all).
        case deny(JSONValue?)
        /// This whole body, as is.
        case body(JSONValue)
        /// No answer until the stand-in is stopped.
        case hang
    }

    struct Received: Sendable {
        var path: String
        var query: String
        var review: JSONValue
        var request: JSONValue { review["request"] ?? .null }
    }

    private struct State {
        var received: [Received] = []
        var stopping = false
    }

    /// Shared by the stand-in and its responder.
    private final class Recorder: Sendable {
        let state = Mutex(State())
    }

    let caPEM: String
    let baseURL: String
    private let server: LoopbackHTTPServer
    private let recorder: Recorder

    private init(caPEM: String, server: LoopbackHTTPServer, recorder: Recorder) {
        self.caPEM = caPEM
        self.baseURL = server.baseURL
        self.server = server
        self.recorder = recorder
    }

    var port: Int { server.port }
    var caBundle: String { Data(caPEM.utf8).base64EncodedString() }
    var received: [Received] { recorder.state.withLock { $0.received } }

    /// Starts a stand-in whose certificate is valid for `serverNames` and, with `loopbackIP`,
    /// for 127.0.0.1; runs `body`, and stops it.
    static func with(serverNames: [String] = [], loopbackIP: Bool = true, answer: @escaping @Sendable (JSONValue) -> Answer,
                     _ body: (StandInWebhook) async throws -> Void) async throws {
        try await TemporaryDirectory.with { directory in
            let authority = try await TestCertificateAuthority.make(in: directory.file("ca"), home: directory.url,
                                                                 serverNames: serverNames, loopbackIP: loopbackIP)
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(authority.serverCertificate.path).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: authority.serverKey.path, format: .pem)))
            let recorder = Recorder()
            let server = try await LoopbackHTTPServer.start("webhook stand-in", responder: Responder(recorder: recorder, answer: answer), tls: tls)
            let webhook = StandInWebhook(caPEM: try String(contentsOf: authority.caCertificate, encoding: .utf8), server: server, recorder: recorder)
            do {
                try await body(webhook)
            } catch {
                await webhook.stop()
                throw error
            }
            await webhook.stop()
        }
    }

    /// A CA certificate (base64, as a caBundle) that signed nothing this stand-in serves.
    static func unrelatedCABundle() async throws -> String {
        try await TemporaryDirectory.with { directory in
            let authority = try await TestCertificateAuthority.make(in: directory.file("other"), home: directory.url)
            return try Data(contentsOf: authority.caCertificate).base64EncodedString()
        }
    }

    private func stop() async {
        // Hanging answers end first, so the server's shutdown does not wait for them.
        recorder.state.withLock { $0.stopping = true }
        await server.stop()
    }

    private struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let recorder: Recorder
        let answer: @Sendable (JSONValue) -> Answer

        func respond(to request: Request, context: Context) async throws -> Response {
            let bytes = try await request.body.collect(upTo: 4 << 20)
            let review = (try? JSONValue(parsing: Data(bytes.readableBytesView))) ?? .null
            recorder.state.withLock {
                $0.received.append(Received(path: request.uri.path, query: request.uri.query ?? "", review: review))
            }
            let uid = review["request"]?["uid"] ?? .null
            let body: JSONValue
            switch answer(review) {
            case .allow:
                body = Self.review(["uid": uid, "allowed": .bool(true)])
            case .patch(let operations):
                body = Self.review(["uid": uid, "allowed": .bool(true), "patchType": "JSONPatch",
                                    "patch": .string(operations.encoded().base64EncodedString())])
            case .deny(let status):
                var response: [String: JSONValue] = ["uid": uid, "allowed": .bool(false)]
                if let status { response["status"] = status }
                body = Self.review(response)
            case .body(let whole):
                body = whole
            case .hang:
                while !recorder.state.withLock({ $0.stopping }) { try? await Task.sleep(for: .milliseconds(20)) }
                return Response(status: .serviceUnavailable)
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.encoded())))
        }

        static func review(_ response: [String: JSONValue]) -> JSONValue {
            .object(["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": .object(response)])
        }
    }
}
