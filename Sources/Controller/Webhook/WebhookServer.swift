// WebhookServer: the pod admission webhook's HTTPS endpoint, a small HTTP/1.1 server on swift-nio
// and NIOSSL run as a ServiceLifecycle Service on every replica. `POST /mutate-pods` takes an
// AdmissionReview and answers through PodAdmissionHandler; anything else is 404 (405 for another
// method). Serving certificates arrive on an AsyncStream: each new one becomes the TLS context of
// the connections accepted after it, while open connections keep the one they started with. On
// graceful shutdown it stops accepting, answers the reviews it is reading, then closes: a review
// cut off would admit its pod unpatched.
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

public final class WebhookServer: Service, Sendable {
    /// A body larger than this is refused (413). kube-apiserver refuses objects over 3 MiB, and
    /// a review carries at most the object and its old version.
    public static let maximumBodyBytes = 8 * 1024 * 1024

    public let address: ListenAddress
    private let handler: PodAdmissionHandler
    private let certificates: AsyncStream<ServingCertificate>
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var context: NIOSSLContext?
        var notAfter: Date?
        var port: Int?
        var ended = false
        var waiters: [CheckedContinuation<Int, any Error>] = []
        var certificateWaiters: [CheckedContinuation<Void, Never>] = []
        /// The listening channel, closed to stop accepting.
        var listener: (any Channel)?
        var draining = false
        /// Open connections, and whether each is between requests (then a drain closes it).
        var connections: [ObjectIdentifier: (channel: any Channel, idle: Bool)] = [:]
    }

    public init(address: ListenAddress, handler: PodAdmissionHandler, certificates: AsyncStream<ServingCertificate>, logger: Logger) {
        self.address = address
        self.handler = handler
        self.certificates = certificates
        self.logger = logger
    }

    /// True once a serving certificate is loaded: readiness waits for it, since the API server
    /// cannot call a webhook that has none.
    public var hasCertificate: Bool { state.withLock { $0.context != nil } }

    /// When the certificate in use expires; nil before the first.
    public var certificateNotAfter: Date? { state.withLock { $0.notAfter } }

    /// The port it listens on, once listening (the kernel's choice for port 0).
    public var port: Int? { state.withLock { $0.port } }

    /// Waits until the server listens and returns its port; throws if it stopped without.
    public func waitUntilListening() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let resume: Result<Int, any Error>? = state.withLock { state in
                if let port = state.port { return .success(port) }
                if state.ended { return .failure(WebhookServerError.notListening(address)) }
                state.waiters.append(continuation)
                return nil
            }
            if let resume { continuation.resume(with: resume) }
        }
    }

    /// Returns once a serving certificate is loaded (tests; readiness polls `hasCertificate`).
    public func waitForCertificate() async {
        await withCheckedContinuation { continuation in
            let loaded = state.withLock { state in
                if state.context != nil { return true }
                state.certificateWaiters.append(continuation)
                return false
            }
            if loaded { continuation.resume() }
        }
    }

    /// Serves until cancelled (open connections are closed at once) or until graceful shutdown
    /// (reviews being read are answered first).
    public func run() async throws {
        defer { didEnd() }
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                // A certificate stream that ends leaves the last certificate in use.
                group.addTask { await self.followCertificates() }
                try await self.listen()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.drain()
        }
    }

    /// Stops accepting; closes the connections that wait for a request, and the others once
    /// their answer is written.
    private func drain() {
        let (listener, idle) = state.withLock { state in
            state.draining = true
            return (state.listener, state.connections.values.filter(\.idle).map(\.channel))
        }
        listener?.close(promise: nil)
        for channel in idle { channel.close(promise: nil) }
        // A client that never finishes its request must not hold the shutdown: the API server
        // gives up on a review after timeoutSeconds (at most 30) anyway.
        Task { [server = self] in
            try? await Task.sleep(for: Self.drainLimit)
            for channel in server.openChannels() { channel.close(promise: nil) }
        }
    }

    /// How long a graceful shutdown waits for reviews being read.
    static let drainLimit: Duration = .seconds(5)

    private func openChannels() -> [any Channel] {
        state.withLock { $0.connections.values.map(\.channel) }
    }

    /// Records whether a connection is between requests; false once draining means "close now".
    private func mark(_ channel: any Channel, idle: Bool) -> Bool {
        state.withLock { state in
            state.connections[ObjectIdentifier(channel)] = (channel, idle)
            return !state.draining
        }
    }

    private func forget(_ channel: any Channel) {
        _ = state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    private func followCertificates() async {
        for await certificate in certificates {
            do {
                let context = try certificate.serverContext()
                let waiters = state.withLock { state in
                    state.context = context
                    state.notAfter = certificate.notAfter
                    defer { state.certificateWaiters = [] }
                    return state.certificateWaiters
                }
                logger.info("serving a new webhook certificate", metadata: ["notAfter": "\(certificate.notAfter)"])
                for waiter in waiters { waiter.resume() }
            } catch {
                // The previous certificate (if any) stays in use; the source tries again.
                logger.error("webhook certificate not loaded", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One accepted connection: its HTTP channel, or none when no certificate was loaded yet.
    private struct Accepted: Sendable {
        var channel: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>?
        var raw: any Channel
    }

    private func listen() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: address.host, port: address.port) { channel in
                // The context current at accept time: a rotation affects new connections only.
                let context = self.state.withLock { $0.context }
                return channel.eventLoop.makeCompletedFuture {
                    guard let context else { return Accepted(channel: nil, raw: channel) }
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return Accepted(
                        channel: try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel),
                        raw: channel)
                }
            }
        let drainingAlready = state.withLock { state in
            state.listener = server.channel
            return state.draining
        }
        if drainingAlready { server.channel.close(promise: nil) }
        didListen(port: server.channel.localAddress?.port ?? 0)
        try await server.executeThenClose { connections in
            await withDiscardingTaskGroup { group in
                do {
                    for try await accepted in connections {
                        guard let connection = accepted.channel else {
                            logger.debug("closed a connection: no serving certificate yet")
                            accepted.raw.close(promise: nil)
                            continue
                        }
                        group.addTask { await self.serve(connection, on: accepted.raw) }
                    }
                } catch {
                    self.logger.debug("the listening socket failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Answers the requests of one connection, in order, until the client closes it or asks to.
    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, on channel: any Channel) async {
        defer { forget(channel) }
        guard mark(channel, idle: true) else {
            channel.close(promise: nil)
            return
        }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var request: HTTPRequestHead?
                var body = ByteBuffer()
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        request = head
                        body.clear()
                        tooLarge = false
                        _ = mark(channel, idle: false)
                    case .body(var chunk):
                        if body.readableBytes + chunk.readableBytes > Self.maximumBodyBytes {
                            tooLarge = true
                        } else if !tooLarge {
                            body.writeBuffer(&chunk)
                        }
                    case .end:
                        guard let head = request else { continue }
                        request = nil
                        let response = tooLarge
                            ? Response(status: .payloadTooLarge, body: ByteBuffer(string: "the body exceeds \(Self.maximumBodyBytes) bytes\n"))
                            : await respond(to: head, body: body)
                        let keepAlive = head.isKeepAlive && !tooLarge && mark(channel, idle: true)
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: response.contentType)
                        headers.add(name: "Content-Length", value: String(response.body.readableBytes))
                        if response.status == .methodNotAllowed { headers.add(name: "Allow", value: "POST") }
                        if !keepAlive { headers.add(name: "Connection", value: "close") }
                        try await outbound.write(.head(HTTPResponseHead(version: head.version, status: response.status, headers: headers)))
                        try await outbound.write(.body(.byteBuffer(response.body)))
                        try await outbound.write(.end(nil))
                        if !keepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("webhook connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    struct Response {
        var status: HTTPResponseStatus
        var contentType = "text/plain; charset=utf-8"
        var body: ByteBuffer
    }

    func respond(to request: HTTPRequestHead, body: ByteBuffer) async -> Response {
        let path = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? request.uri
        guard path == PodAdmissionHandler.path else {
            return Response(status: .notFound, body: ByteBuffer(string: "not found; the pod webhook is POST \(PodAdmissionHandler.path)\n"))
        }
        guard request.method == .POST else {
            return Response(status: .methodNotAllowed, body: ByteBuffer(string: "method not allowed; use POST\n"))
        }
        let answer = await handler.answer(Data(body.readableBytesView))
        return Response(status: HTTPResponseStatus(statusCode: answer.status), contentType: answer.contentType, body: ByteBuffer(bytes: answer.body))
    }

    private func didListen(port: Int) {
        let waiters = state.withLock { state in
            state.port = port
            defer { state.waiters = [] }
            return state.waiters
        }
        logger.info("serving the pod webhook at \(PodAdmissionHandler.path)", metadata: ["address": "\(address.host):\(port)"])
        for waiter in waiters { waiter.resume(returning: port) }
    }

    private func didEnd() {
        let (waiters, certificateWaiters) = state.withLock { state in
            state.ended = true
            state.port = nil
            defer {
                state.waiters = []
                state.certificateWaiters = []
            }
            return (state.waiters, state.certificateWaiters)
        }
        for waiter in waiters { waiter.resume(throwing: WebhookServerError.notListening(address)) }
        // Nothing more will load; whoever waits for a certificate learns it from hasCertificate.
        for waiter in certificateWaiters { waiter.resume() }
    }
}

public enum WebhookServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case notListening(ListenAddress)

    public var description: String {
        switch self {
        case .notListening(let address): "the webhook server on \(address) stopped before it listened (is the port in use?)"
        }
    }
}
