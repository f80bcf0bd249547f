// A stand-in HTTP server for one test: a Hummingbird responder served on 127.0.0.1, on a port
// the kernel picks, stopped by the test that started it. The stand-ins (provider endpoints, a
// registry token service, ECR) differ only in what they answer. With a TLS configuration it
// serves HTTPS (admission webhooks are only ever called over TLS).
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

public final class LoopbackHTTPServer: Sendable {
    public let port: Int
    private let scheme: String
    private let task: Task<Void, Never>

    /// `http://127.0.0.1:PORT`, or `https://…` when serving TLS.
    public var baseURL: String { "\(scheme)://127.0.0.1:\(port)" }

    private init(port: Int, scheme: String, task: Task<Void, Never>) {
        self.port = port
        self.scheme = scheme
        self.task = task
    }

    /// Starts serving `responder` and returns once the port is bound. `port` 0 takes any free
    /// one; a fixed one is for a peer that must be told the address before the server starts.
    public static func start<Responder: HTTPResponder>(_ name: String, responder: Responder,
                                                       tls: TLSConfiguration? = nil, port: Int = 0) async throws -> LoopbackHTTPServer
    where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: name)
        logger.logLevel = .critical
        let configuration = ApplicationConfiguration(address: .hostname("127.0.0.1", port: port), serverName: nil)
        let onRunning: @Sendable (any Channel) async -> Void = { channel in continuation.yield(channel.localAddress?.port ?? 0) }
        let task: Task<Void, Never>
        if let tls {
            let app = Application(responder: responder, server: try .tls(.http1(), tlsConfiguration: tls),
                                  configuration: configuration, onServerRunning: onRunning, logger: logger)
            task = Task {
                try? await app.run()
                continuation.finish()
            }
        } else {
            let app = Application(responder: responder, configuration: configuration, onServerRunning: onRunning, logger: logger)
            task = Task {
                try? await app.run()
                continuation.finish()
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw TestSupportError.serverDidNotStart(name, log: "")
        }
        return LoopbackHTTPServer(port: port, scheme: tls == nil ? "http" : "https", task: task)
    }

    /// Starts serving `router`.
    public static func start<Builder: HTTPResponderBuilder>(_ name: String, router: Builder,
                                                            tls: TLSConfiguration? = nil) async throws -> LoopbackHTTPServer
    where Builder.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        try await start(name, responder: router.buildResponder(), tls: tls)
    }

    /// Stops serving and waits until the server has shut down.
    public func stop() async {
        task.cancel()
        await task.value
    }
}
