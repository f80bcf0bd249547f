// WatchEventSequence: the events of one open watch connection, decoded incrementally from the
// response body as it streams (never buffering the whole body). Ends when the server ends the
// watch; throws KubeAPIError when the connection breaks.
import AsyncHTTPClient
import NIOCore

public struct WatchEventSequence<Object: KubernetesObject>: AsyncSequence, Sendable {
    public typealias Element = WatchEvent<Object>

    let body: HTTPClientResponse.Body
    let operation: String
    let server: String

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(body: body.makeAsyncIterator(), operation: operation, server: server)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var body: HTTPClientResponse.Body.AsyncIterator
        let operation: String
        let server: String
        var decoder = WatchEventDecoder<Object>()
        var ready: [WatchEvent<Object>] = []
        var readIndex = 0
        var finished = false

        init(body: HTTPClientResponse.Body.AsyncIterator, operation: String, server: String) {
            self.body = body
            self.operation = operation
            self.server = server
        }

        public mutating func next() async throws -> WatchEvent<Object>? {
            while readIndex >= ready.count {
                if finished { return nil }
                ready = []
                readIndex = 0
                let chunk: ByteBuffer?
                do { chunk = try await body.next() } catch {
                    if Task.isCancelled { throw CancellationError() }
                    throw KubeAPIError.from(transport: .classify(error), operation: operation, server: server)
                }
                if let chunk {
                    ready = try decoder.feed(chunk.readableBytesView)
                } else {
                    finished = true
                    ready = try decoder.finish()
                }
            }
            defer { readIndex += 1 }
            return ready[readIndex]
        }
    }
}
