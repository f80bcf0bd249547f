// KubeClient: the connection to one API server. Owns the HTTP client (TLS, connection pool),
// the rate limiter, the retry policy and the authenticator; `resource(_:)` hands out typed
// clients. Call `shutdown()` when done.
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOPosix

public final class KubeClient: Sendable {
    public let config: ClientConfig
    public let retryPolicy: RetryPolicy
    let http: HTTPClient
    let rateLimiter: RateLimiter
    let authenticator: Authenticator
    let clock: KubeClock
    let logger: Logger
    /// Told about every attempt: verb and HTTP status (0 when no answer came), for metrics.
    let requestObserver: (@Sendable (_ verb: String, _ status: Int) -> Void)?
    /// Where requests go: the server URL, or with tls-server-name that name in its place
    /// (mapped back to the real host by dnsOverride, so certificate checks use the name).
    let requestBase: String

    public init(config: ClientConfig, retryPolicy: RetryPolicy = RetryPolicy(), clock: KubeClock = .live,
                logger: Logger = Logger(label: "regcred.kubernetes"), execRunner: ExecCredentialProvider.Runner? = nil,
                requestObserver: (@Sendable (_ verb: String, _ status: Int) -> Void)? = nil) throws {
        self.config = config
        self.requestObserver = requestObserver
        self.retryPolicy = retryPolicy
        self.clock = clock
        self.logger = logger
        self.rateLimiter = RateLimiter(qps: config.qps, burst: config.burst, clock: clock)
        self.authenticator = Authenticator(config: config, logger: logger, execRunner: execRunner)

        var httpConfig = HTTPClient.Configuration(
            tlsConfiguration: try config.makeTLSConfiguration(),
            redirectConfiguration: .disallow,
            // No read timeout: watches are quiet for minutes; each request has a deadline instead.
            timeout: .init(connect: .seconds(10), read: nil))
        // Informers hold one connection per watch over HTTP/1.1.
        httpConfig.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        // RetryPolicy decides about retries; a refused connection must surface at once.
        httpConfig.connectionPool.retryConnectionEstablishment = false
        var base = config.server
        if let name = config.tlsServerName, var components = URLComponents(string: config.server),
           let host = components.host, name != host {
            httpConfig.dnsOverride = [name: host]
            components.host = name
            base = components.string ?? config.server
        }
        self.requestBase = base
        self.http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: httpConfig, backgroundActivityLogger: logger)
    }

    /// Closes connections. The client cannot be used afterwards.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Runs `body` with a client and shuts it down afterwards, also on error.
    public static func with<Result: Sendable>(
        config: ClientConfig, logger: Logger = Logger(label: "regcred.kubernetes"),
        requestObserver: (@Sendable (_ verb: String, _ status: Int) -> Void)? = nil,
        _ body: (KubeClient) async throws -> Result
    ) async throws -> Result {
        let client = try KubeClient(config: config, logger: logger, requestObserver: requestObserver)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// A typed client for a built-in or declared resource, in `namespace` (default: the config's).
    public func resource<Object: KnownResource>(_ type: Object.Type, namespace: String? = nil) -> ResourceClient<Object> {
        ResourceClient(client: self, resource: Object.resource,
                       namespace: Object.resource.namespaced ? (namespace ?? config.namespace) : nil)
    }

    /// A typed client across all namespaces (list and watch).
    public func resourceInAllNamespaces<Object: KnownResource>(_ type: Object.Type) -> ResourceClient<Object> {
        ResourceClient(client: self, resource: Object.resource, namespace: nil)
    }

    /// A client for any resource, e.g. custom resources as `UnstructuredObject`.
    public func resource<Object: KubernetesObject>(_ resource: Resource, as type: Object.Type, namespace: String?) -> ResourceClient<Object> {
        ResourceClient(client: self, resource: resource, namespace: resource.namespaced ? namespace : nil)
    }
}
