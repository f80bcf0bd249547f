// HealthServer over real HTTP on 127.0.0.1: /healthz, /readyz, /metrics, split servers, listen addresses.
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Synchronization
import TestPeers
import Testing
@testable import Controller

/// A server on 127.0.0.1:0, run for the duration of `body` and stopped afterwards.
private func withServer<T>(_ server: HealthServer, _ body: (Int) async throws -> T) async throws -> T {
    let run = Task { try await server.run() }
    return try await withRunning { try await body(try await server.waitUntilListening()) } finally: {
        run.cancel()
        _ = await run.result
    }
}

private struct Answer {
    var status: Int
    var contentType: String?
    var body: String
}

private func get(_ port: Int, _ path: String) async throws -> Answer {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"),
                                                       timeout: .seconds(10))
    let body = try await response.body.collect(upTo: 1 << 20)
    return Answer(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                  body: String(buffer: body))
}

private func quietLogger() -> Logger {
    var logger = Logger(label: "test.health")
    logger.logLevel = .critical
    return logger
}

private let loopback = ListenAddress(host: "127.0.0.1", port: 0)

@Suite("HealthServer")
struct HealthServerTests {
    @Test("/healthz answers 200 ok while the process runs, even when not ready")
    func healthz() async throws {
        let server = HealthServer(address: loopback, metrics: ControllerMetrics(), readiness: { .notReady("starting") },
                                  logger: quietLogger())
        let answer = try await withServer(server) { try await get($0, "/healthz") }
        #expect(answer.status == 200)
        #expect(answer.body == "ok\n")
    }

    @Test("/readyz answers 503 with the reason until the check says ready, then 200")
    func readyz() async throws {
        let synced = Atomic(false)
        let server = HealthServer(address: loopback, metrics: ControllerMetrics(),
                                  readiness: { synced.load(ordering: .relaxed) ? .ready : .notReady("informers not synced") },
                                  logger: quietLogger())
        try await withServer(server) { port in
            let before = try await get(port, "/readyz")
            #expect(before.status == 503)
            #expect(before.body == "not ready: informers not synced\n")
            synced.store(true, ordering: .relaxed)
            let after = try await get(port, "/readyz")
            #expect(after.status == 200)
            #expect(after.body == "ok\n")
        }
    }

    @Test("/metrics serves the current exposition as text/plain version 0.0.4")
    func metrics() async throws {
        let metrics = ControllerMetrics()
        let server = HealthServer(address: loopback, metrics: metrics, logger: quietLogger())
        try await withServer(server) { port in
            metrics.setWorkQueueDepth(3)
            metrics.recordReconcile(clusterPullSecret: "ghcr", succeeded: true, duration: .milliseconds(10))
            let answer = try await get(port, "/metrics")
            #expect(answer.status == 200)
            #expect(answer.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(answer.body.contains("regcred_workqueue_depth 3.0\n"))
            #expect(answer.body.contains(#"regcred_reconcile_total{clusterpullsecret="ghcr",result="success"} 1"#))
            #expect(answer.body == metrics.exposition())
        }
    }

    @Test("the port is known once listening and forgotten after stopping")
    func port() async throws {
        let server = HealthServer(address: loopback, metrics: nil, logger: quietLogger())
        #expect(server.port == nil)
        let port = try await withServer(server) { port in
            #expect(server.port == port)
            return port
        }
        #expect(port > 0)
        #expect(server.port == nil)
    }

    @Test("with two addresses, one server answers /metrics and the other the probes")
    func splitServers() async throws {
        let metrics = ControllerMetrics()
        let servers = HealthServer.servers(metricsAddress: ListenAddress(host: "127.0.0.1", port: 0),
                                           probeAddress: ListenAddress(host: "127.0.0.1", port: 1),
                                           metrics: metrics, readiness: { .ready }, logger: quietLogger())
        #expect(servers.map(\.endpoints) == [.metrics, .probes])
        let metricsOnly = HealthServer(address: loopback, endpoints: .metrics, metrics: metrics, logger: quietLogger())
        let probesOnly = HealthServer(address: loopback, endpoints: .probes, metrics: nil, logger: quietLogger())
        let fromMetricsServer = try await withServer(metricsOnly) { port in
            [try await get(port, "/metrics").status, try await get(port, "/healthz").status, try await get(port, "/readyz").status]
        }
        #expect(fromMetricsServer == [200, 404, 404])
        let fromProbeServer = try await withServer(probesOnly) { port in
            [try await get(port, "/metrics").status, try await get(port, "/healthz").status, try await get(port, "/readyz").status]
        }
        #expect(fromProbeServer == [404, 200, 200])
    }

    @Test("with one address for both, a single server answers everything")
    func oneServer() {
        let address = ListenAddress(host: "0.0.0.0", port: 8080)
        let servers = HealthServer.servers(metricsAddress: address, probeAddress: address, metrics: ControllerMetrics(),
                                           readiness: { .ready }, logger: quietLogger())
        #expect(servers.map(\.endpoints) == [.all])
    }

    @Test("a method other than GET or HEAD is 405 with Allow; HEAD has the headers and no body")
    func methods() async throws {
        let server = HealthServer(address: loopback, metrics: nil, logger: quietLogger())
        try await withServer(server) { port in
            var post = HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz")
            post.method = .POST
            let refused = try await HTTPClient.shared.execute(post, timeout: .seconds(10))
            #expect(refused.status.code == 405)
            #expect(refused.headers.first(name: "Allow") == "GET, HEAD")
            var head = HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz")
            head.method = .HEAD
            let headers = try await HTTPClient.shared.execute(head, timeout: .seconds(10))
            #expect(headers.status.code == 200)
            #expect(headers.headers.first(name: "Content-Length") == "3")
            let body = try await headers.body.collect(upTo: 1 << 10)
            #expect(body.readableBytes == 0)
        }
    }

    @Test("a port already in use makes run fail and waiters learn it")
    func portInUse() async throws {
        let first = HealthServer(address: loopback, metrics: nil, logger: quietLogger())
        try await withServer(first) { port in
            let second = HealthServer(address: ListenAddress(host: "127.0.0.1", port: port), metrics: nil, logger: quietLogger())
            await #expect(throws: (any Error).self) { try await second.run() }
            await #expect(throws: HealthServerError.self) { try await second.waitUntilListening() }
        }
    }
}

@Suite("HealthServer listen address")
struct HealthServerAddressTests {
    @Test("host:port flags are read as controller-runtime reads them",
          arguments: [
              (":8080", "0.0.0.0", 8080), ("127.0.0.1:0", "127.0.0.1", 0), ("[::1]:9090", "::1", 9090),
              ("localhost:8081", "localhost", 8081),
          ])
    func parses(text: String, host: String, port: Int) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
    }

    @Test("malformed addresses are rejected with what to write instead",
          arguments: [("8080", ListenAddressError.missingPort("8080")), (":http", .badPort(":http")),
                      (":70000", .badPort(":70000")), ("::1:80", .badHost("::1:80"))])
    func rejects(text: String, error: ListenAddressError) {
        #expect(throws: error) { try ListenAddress(parsing: text) }
    }
}
