// HealthServer: the controller's HTTP endpoint for Prometheus and the kubelet, a Hummingbird 2
// server run as a ServiceLifecycle Service. It serves `GET /metrics` (the exposition of
// ControllerMetrics), `GET /healthz` (200 "ok" while the process runs) and `GET /readyz` (200
// once the readiness check says ready, else 503 with the reason).
//
// The controller's flags give two addresses, metrics and probes (as controller-runtime's
// --metrics-bind-address and --health-probe-bind-address). `servers(…)` makes one server with
// every endpoint when both addresses are equal, else two: one serving /metrics, one the probes.
import Foundation
import Hummingbird
import Logging
import NIOCore
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

    /// Serves until cancelled or until graceful shutdown.
    public func run() async throws {
        let app = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { [weak self] channel in self?.didListen(port: channel.localAddress?.port ?? 0) },
            logger: logger)
        defer { didEnd() }
        try await app.run()
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        if endpoints.contains(.metrics), let metrics {
            router.get("metrics") { _, _ -> Response in
                Self.text(metrics.exposition(), contentType: ControllerMetrics.expositionContentType)
            }
        }
        if endpoints.contains(.probes) {
            router.get("healthz") { _, _ -> Response in
                Self.text("ok\n")
            }
            let readiness = self.readiness
            router.get("readyz") { _, _ -> Response in
                switch await readiness() {
                case .ready: Self.text("ok\n")
                case .notReady(let reason): Self.text("not ready: \(reason)\n", status: .serviceUnavailable)
                }
            }
        }
        return router
    }

    private static func text(_ body: String, status: HTTPResponse.Status = .ok,
                             contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
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
