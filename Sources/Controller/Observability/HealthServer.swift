// HealthServer: the controller's HTTP endpoint for Prometheus and the kubelet, a small HTTP/1.1
// server on swift-nio run as a ServiceLifecycle Service. It serves `GET /metrics` (the exposition
// of ControllerMetrics), `GET /healthz` (200 "ok" while the process runs) and `GET /readyz` (200
// once the readiness check says ready, else 503 with the reason); anything else is 404.
//
// The controller's flags give two addresses, metrics and probes (as controller-runtime's
// --metrics-bind-address and --health-probe-bind-address). `servers(…)` makes one server with
// every endpoint when both addresses are equal, else two: one serving /metrics, one the probes.
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

public final class HealthServer: Service, Sendable {
    public let address: ListenAddress
    public let endpoints: HealthEndpoints
    private let metrics: ControllerMetrics?
    private let readiness: @Sendable () async -> Readiness
    private let logger: Logger
    private let listening = Mutex(Listening())

    private struct Listening {
        var port: Int?
        var ended = false
        var waiters: [CheckedContinuation<Int, any Error>] = []
    }

    /// - Parameters:
    ///   - endpoints: the paths served; `.metrics` needs `metrics`.
    ///   - readiness: asked on every /readyz, e.g. "are the informers synced?".
    public init(address: ListenAddress, endpoints: HealthEndpoints = .all, metrics: ControllerMetrics?,
                readiness: @escaping @Sendable () async -> Readiness = { .ready }, logger: Logger) {
        self.address = address
        self.endpoints = endpoints
        self.metrics = metrics
        self.readiness = readiness
        self.logger = logger
    }

    /// The servers for a metrics address and a probe address: one serving everything when the
    /// addresses are equal, else one serving /metrics and one serving /healthz and /readyz.
    public static func servers(metricsAddress: ListenAddress, probeAddress: ListenAddress, metrics: ControllerMetrics,
                               readiness: @escaping @Sendable () async -> Readiness, logger: Logger) -> [HealthServer] {
        if metricsAddress == probeAddress {
            return [HealthServer(address: metricsAddress, endpoints: .all, metrics: metrics, readiness: readiness, logger: logger)]
        }
        return [
            HealthServer(address: metricsAddress, endpoints: .metrics, metrics: metrics, logger: logger),
            HealthServer(address: probeAddress, endpoints: .probes, metrics: nil, readiness: readiness, logger: logger),
        ]
    }

    /// The port it listens on, once listening (the kernel's choice for port 0).
    public var port: Int? { listening.withLock { $0.port } }

    /// Waits until the server listens and returns its port; throws if it stopped without.
    public func waitUntilListening() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let resume: Result<Int, any Error>? = listening.withLock { state in
                if let port = state.port { return .success(port) }
                if state.ended { return .failure(HealthServerError.notListening(address)) }
                state.waiters.append(continuation)
                return nil
            }
            if let resume { continuation.resume(with: resume) }
        }
    }

    /// Serves until cancelled or until graceful shutdown; open connections are closed then.
    public func run() async throws {
        defer { didEnd() }
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        didListen(port: server.channel.localAddress?.port ?? 0)
        try await cancelWhenGracefulShutdown {
            try await server.executeThenClose { connections in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await connection in connections {
                            group.addTask { await self.serve(connection) }
                        }
                    } catch {
                        self.logger.debug("the listening socket failed", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Answers the requests of one connection, in order, until the client closes it or asks to.
    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var request: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        request = head
                    case .body:
                        continue
                    case .end:
                        guard let head = request else { continue }
                        request = nil
                        let response = await respond(to: head)
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: response.contentType)
                        headers.add(name: "Content-Length", value: String(response.body.readableBytes))
                        if response.status == .methodNotAllowed { headers.add(name: "Allow", value: "GET, HEAD") }
                        if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
                        try await outbound.write(.head(HTTPResponseHead(version: head.version, status: response.status, headers: headers)))
                        if head.method != .HEAD { try await outbound.write(.body(.byteBuffer(response.body))) }
                        try await outbound.write(.end(nil))
                        if !head.isKeepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    struct Response {
        var status: HTTPResponseStatus
        var contentType = "text/plain; charset=utf-8"
        var body: ByteBuffer
    }

    /// The answer to one request: the endpoint for its path, 405 for a method other than GET or
    /// HEAD, 404 for a path this server does not serve.
    func respond(to request: HTTPRequestHead) async -> Response {
        let path = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? request.uri
        let answer: () async -> Response
        switch path {
        case "/metrics" where endpoints.contains(.metrics) && metrics != nil:
            let metrics = self.metrics
            answer = {
                Response(status: .ok, contentType: ControllerMetrics.expositionContentType,
                         body: ByteBuffer(string: metrics?.exposition() ?? ""))
            }
        case "/healthz" where endpoints.contains(.probes):
            answer = { Response(status: .ok, body: ByteBuffer(string: "ok\n")) }
        case "/readyz" where endpoints.contains(.probes):
            let readiness = self.readiness
            answer = {
                switch await readiness() {
                case .ready: Response(status: .ok, body: ByteBuffer(string: "ok\n"))
                case .notReady(let reason): Response(status: .serviceUnavailable, body: ByteBuffer(string: "not ready: \(reason)\n"))
                }
            }
        default:
            return Response(status: .notFound, body: ByteBuffer(string: "not found\n"))
        }
        guard request.method == .GET || request.method == .HEAD else {
            return Response(status: .methodNotAllowed, body: ByteBuffer(string: "method not allowed\n"))
        }
        return await answer()
    }

    private func didListen(port: Int) {
        let waiters = listening.withLock { state in
            state.port = port
            defer { state.waiters = [] }
            return state.waiters
        }
        logger.info("serving \(endpoints.contains(.metrics) ? "/metrics " : "")\(endpoints.contains(.probes) ? "/healthz /readyz" : "")",
                    metadata: ["address": "\(address.host):\(port)"])
        for waiter in waiters { waiter.resume(returning: port) }
    }

    private func didEnd() {
        let waiters = listening.withLock { state in
            state.ended = true
            state.port = nil
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(throwing: HealthServerError.notListening(address)) }
    }
}

public enum HealthServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case notListening(ListenAddress)

    public var description: String {
        switch self {
        case .notListening(let address): "the health server on \(address) stopped before it listened (is the port in use?)"
        }
    }
}
