// SandboxClient: a thin AsyncHTTPClient wrapper the tests use to talk to a KubeSandbox the way
// a Kubernetes client does (bearer token, JSON bodies, streaming watches).
import AsyncHTTPClient
import Foundation
import KubeSandbox
import NIOCore
import NIOHTTP1
import RegcredCore
import Synchronization

struct APIResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: JSONValue

    var message: String { body["message"]?.stringValue ?? "" }
    var reason: String { body["reason"]?.stringValue ?? "" }
    var resourceVersion: Int { Int(body["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? -1 }
}

struct SandboxClient {
    let baseURL: String
    var token: String?
    let http: HTTPClient

    init(_ sandbox: KubeSandbox, token: String? = SandboxUser.admin.token, http: HTTPClient = .shared) {
        self.baseURL = sandbox.url
        self.token = token
        self.http = http
    }

    func send(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil,
              contentType: String = "application/json", accept: String? = nil) async throws -> APIResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let accept { request.headers.add(name: "Accept", value: accept) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body.encoded()))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        let data = Data(bytes.readableBytesView)
        let value = data.isEmpty ? JSONValue.null : ((try? JSONValue(parsing: data)) ?? .string(String(decoding: data, as: UTF8.self)))
        return APIResponse(status: Int(response.status.code), headers: response.headers, body: value)
    }

    func get(_ path: String) async throws -> APIResponse { try await send(.GET, path) }
    func post(_ path: String, _ body: JSONValue) async throws -> APIResponse { try await send(.POST, path, body: body) }
    func put(_ path: String, _ body: JSONValue) async throws -> APIResponse { try await send(.PUT, path, body: body) }
    func delete(_ path: String, _ body: JSONValue? = nil) async throws -> APIResponse { try await send(.DELETE, path, body: body) }
    func patch(_ path: String, _ body: JSONValue, type: String) async throws -> APIResponse {
        try await send(.PATCH, path, body: body, contentType: type)
    }

    /// Opens a watch; events are buffered as they arrive until the server ends the response.
    func watch(_ path: String) async throws -> WatchStream {
        var request = HTTPClientRequest(url: baseURL + path)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await http.execute(request, timeout: .seconds(120))
        let stream = WatchStream(status: Int(response.status.code))
        let reader = Task {
            var pending = Data()
            do {
                for try await chunk in response.body {
                    pending.append(contentsOf: chunk.readableBytesView)
                    while let newline = pending.firstIndex(of: 0x0A) {
                        let line = Data(pending[pending.startIndex..<newline])
                        pending = Data(pending[(newline + 1)...])
                        if let event = try? JSONValue(parsing: line) { stream.append(event) }
                    }
                }
            } catch {}
            stream.finish()
        }
        stream.reader.withLock { $0 = reader }
        return stream
    }
}

/// Events of one watch, buffered; `next` waits (polling) up to a generous timeout.
final class WatchStream: Sendable {
    let status: Int
    private let state = Mutex<(events: [JSONValue], finished: Bool)>(([], false))
    let reader = Mutex<Task<Void, Never>?>(nil)

    init(status: Int) {
        self.status = status
    }

    func append(_ event: JSONValue) { state.withLock { $0.events.append(event) } }
    func finish() { state.withLock { $0.finished = true } }
    var isFinished: Bool { state.withLock { $0.finished && $0.events.isEmpty } }

    /// The next event, or nil when the stream ended or nothing came within `timeout`.
    func next(timeout: Duration = .seconds(10)) async -> JSONValue? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let taken: (JSONValue?, Bool) = state.withLock { state in
                if !state.events.isEmpty { return (state.events.removeFirst(), false) }
                return (nil, state.finished)
            }
            if let event = taken.0 { return event }
            if taken.1 { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Skips events until one of `type` arrives.
    func next(ofType type: String, timeout: Duration = .seconds(10)) async -> JSONValue? {
        while let event = await next(timeout: timeout) {
            if event["type"]?.stringValue == type { return event }
        }
        return nil
    }

    /// Waits until the server ends the stream.
    func waitForEnd(timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if state.withLock({ $0.finished }) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    func close() {
        reader.withLock { $0?.cancel() }
    }
}
