// Support for the pod webhook tests: serving certificates from a throw-away CA, the webhook
// server run around a test body, an HTTPS client that trusts given CAs, and AdmissionReviews.
import AsyncHTTPClient
import Controller
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import RegcredCore
import TestPeers

/// A CA and a serving certificate for 127.0.0.1 (and `serverNames`) signed by it.
struct WebhookCertificate {
    let caPEM: String
    let serving: ServingCertificate

    static func make(in directory: TemporaryDirectory, name: String, serverNames: [String] = []) async throws -> WebhookCertificate {
        let authority = try await TestCertificateAuthority.make(in: directory.file(name), home: directory.url, serverNames: serverNames)
        let chain = try String(contentsOf: authority.serverCertificate, encoding: .utf8)
        return WebhookCertificate(
            caPEM: try String(contentsOf: authority.caCertificate, encoding: .utf8),
            serving: ServingCertificate(
                certificateChainPEM: chain, privateKeyPEM: try String(contentsOf: authority.serverKey, encoding: .utf8),
                notAfter: Date().addingTimeInterval(2 * 86_400)))
    }
}

/// A webhook server on 127.0.0.1:0 over `handler`, fed by `certificates`, run for `body`.
func withWebhookServer<T>(
    handler: PodAdmissionHandler, certificates: AsyncStream<ServingCertificate>, waitForCertificate: Bool = true,
    _ body: (WebhookServer, Int) async throws -> T
) async throws -> T {
    var logger = Logger(label: "regcred.test.webhook")
    logger.logLevel = .warning
    let server = WebhookServer(address: ListenAddress(host: "127.0.0.1", port: 0), handler: handler, certificates: certificates, logger: logger)
    let run = Task { try await server.run() }
    do {
        let port = try await server.waitUntilListening()
        if waitForCertificate { await server.waitForCertificate() }
        let result = try await body(server, port)
        run.cancel()
        _ = await run.result
        return result
    } catch {
        run.cancel()
        _ = await run.result
        throw error
    }
}

/// Runs `body`, then shuts the clients down (and runs `alsoShutDown`), whether it returned or threw.
func withClients<T>(
    _ clients: [HTTPClient], alsoShutDown: () async -> Void = {}, _ body: () async throws -> T
) async throws -> T {
    do {
        let result = try await body()
        for client in clients { try? await client.shutdown() }
        await alsoShutDown()
        return result
    } catch {
        for client in clients { try? await client.shutdown() }
        await alsoShutDown()
        throw error
    }
}

/// An HTTPS client that trusts exactly these CAs.
func webhookClient(trusting caPEMs: [String]) throws -> HTTPClient {
    var tls = TLSConfiguration.makeClientConfiguration()
    tls.trustRoots = .certificates(try caPEMs.flatMap { try NIOSSLCertificate.fromPEMBytes(Array($0.utf8)) })
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
}

struct WebhookReply {
    var status: Int
    var body: Data
    var json: JSONValue? { try? JSONValue(parsing: body) }
    /// The decoded JSON Patch, when the response carries one.
    var patch: JSONValue? {
        json?["response"]?["patch"]?.stringValue.flatMap { Data(base64Encoded: $0) }.flatMap { try? JSONValue(parsing: $0) }
    }
}

/// POSTs `body` to /mutate-pods; `fresh` asks for a new connection (and TLS handshake) per request.
/// A connection that cannot be made is retried until `timeout` (the client's pool does so), so a
/// test that expects the failure passes a short one.
func postReview(
    _ client: HTTPClient, port: Int, body: Data, path: String = PodAdmissionHandler.path, method: HTTPMethod = .POST, fresh: Bool = false,
    timeout: TimeAmount = .seconds(10)
) async throws -> WebhookReply {
    var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)\(path)")
    request.method = method
    request.headers.add(name: "Content-Type", value: "application/json")
    if fresh { request.headers.add(name: "Connection", value: "close") }
    if method == .POST { request.body = .bytes(ByteBuffer(bytes: body)) }
    let response = try await client.execute(request, timeout: timeout)
    let bytes = try await response.body.collect(upTo: 1 << 20)
    return WebhookReply(status: Int(response.status.code), body: Data(bytes.readableBytesView))
}

/// A pod CREATE review as kube-apiserver sends it.
func podReview(
    uid: String = UUID().uuidString.lowercased(), namespace: String, images: [String], pullSecrets: [String]? = nil,
    annotations: [String: String] = [:], dryRun: Bool = false
) -> Data {
    var spec: [String: JSONValue] = [
        "containers": .array(images.enumerated().map { .object(["name": .string("c\($0.offset)"), "image": .string($0.element)]) })
    ]
    if let pullSecrets { spec["imagePullSecrets"] = .array(pullSecrets.map { .object(["name": .string($0)]) }) }
    let pod: JSONValue = .object([
        "apiVersion": "v1", "kind": "Pod",
        "metadata": .object(["generateName": "web-", "annotations": .object(annotations.mapValues(JSONValue.string))]),
        "spec": .object(spec),
    ])
    return JSONValue.object([
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": .object([
            "uid": .string(uid), "kind": .object(["group": "", "version": "v1", "kind": "Pod"]),
            "resource": .object(["group": "", "version": "v1", "resource": "pods"]), "namespace": .string(namespace),
            "operation": "CREATE", "dryRun": .bool(dryRun), "object": pod,
        ]),
    ]).encoded()
}
