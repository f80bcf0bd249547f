// A stand-in HTTP server for one test: a Hummingbird responder served on 127.0.0.1, on a port
// the kernel picks, stopped by the test that started it. The stand-ins (provider endpoints, a
// registry token service, ECR) differ only in what they answer.
import Hummingbird
import Logging
import NIOCore

public final class LoopbackHTTPServer: Sendable {
    public let port: Int
    private let task: Task<Void, Never>

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, task: Task<Void, Never>) {
        self.port = port
        self.task = task
    }

    /// Starts serving `responder` and returns once the port is bound.
    public static func start<Responder: HTTPResponder>(_ name: String, responder: Responder) async throws -> LoopbackHTTPServer
    where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: name)
        logger.logLevel = .critical
        let app = Application(
            responder: responder, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task {
            try? await app.run()
            continuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw TestSupportError.serverDidNotStart(name, log: "")
        }
        return LoopbackHTTPServer(port: port, task: task)
    }

    /// Starts serving `router`.
    public static func start<Builder: HTTPResponderBuilder>(_ name: String, router: Builder) async throws -> LoopbackHTTPServer
    where Builder.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        try await start(name, responder: router.buildResponder())
    }

    /// Stops serving and waits until the server has shut down.
    public func stop() async {
        task.cancel()
        await task.value
    }
}
