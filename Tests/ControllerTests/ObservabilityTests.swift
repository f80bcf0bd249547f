// Observability: the Prometheus series ControllerMetrics exposes (names, labels, values), and
// HealthServer over real HTTP on 127.0.0.1 (/healthz, /readyz, /metrics, split servers).
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Synchronization
import TestPeers
import Testing
@testable import Controller

// MARK: - ControllerMetrics

@Suite("ControllerMetrics")
struct ControllerMetricsTests {
    /// The exposition's sample lines (no comments), for exact matching.
    func samples(_ metrics: ControllerMetrics) -> Set<String> {
        Set(metrics.exposition().split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") })
    }

    @Test("reconciles are counted by result, errors on their own, per ClusterPullSecret")
    func reconcileCounters() {
        let metrics = ControllerMetrics()
        metrics.recordReconcile(clusterPullSecret: "ghcr", succeeded: true, duration: .milliseconds(20))
        metrics.recordReconcile(clusterPullSecret: "ghcr", succeeded: true, duration: .milliseconds(30))
        metrics.recordReconcile(clusterPullSecret: "ghcr", succeeded: false, duration: .milliseconds(40))
        metrics.recordReconcile(clusterPullSecret: "ecr", succeeded: true, duration: .milliseconds(1))
        let lines = samples(metrics)
        #expect(lines.contains(#"regcred_reconcile_total{clusterpullsecret="ghcr",result="success"} 2"#))
        #expect(lines.contains(#"regcred_reconcile_total{clusterpullsecret="ghcr",result="error"} 1"#))
        #expect(lines.contains(#"regcred_reconcile_errors_total{clusterpullsecret="ghcr"} 1"#))
        #expect(lines.contains(#"regcred_reconcile_total{clusterpullsecret="ecr",result="success"} 1"#))
        #expect(lines.contains(#"regcred_reconcile_errors_total{clusterpullsecret="ecr"} 0"#))
    }

    @Test("reconcile durations land in a histogram with buckets from 5 ms to 10 s")
    func durationHistogram() {
        let metrics = ControllerMetrics()
        metrics.recordReconcile(clusterPullSecret: "ghcr", succeeded: true, duration: .milliseconds(20))
        metrics.recordReconcile(clusterPullSecret: "ghcr", succeeded: true, duration: .seconds(3))
        let text = metrics.exposition()
        let lines = samples(metrics)
        #expect(text.contains("# TYPE regcred_reconcile_duration_seconds histogram"))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_bucket{clusterpullsecret="ghcr",le="0.005"} 0"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_bucket{clusterpullsecret="ghcr",le="0.025"} 1"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_bucket{clusterpullsecret="ghcr",le="2.5"} 1"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_bucket{clusterpullsecret="ghcr",le="5.0"} 2"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_bucket{clusterpullsecret="ghcr",le="10.0"} 2"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_bucket{clusterpullsecret="ghcr",le="+Inf"} 2"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_count{clusterpullsecret="ghcr"} 2"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_sum{clusterpullsecret="ghcr"} 3.02"#))
    }

    @Test("gauges report the last value set")
    func gauges() {
        let metrics = ControllerMetrics()
        metrics.setManagedSecrets(12, clusterPullSecret: "ghcr")
        metrics.setManagedSecrets(40, clusterPullSecret: "ghcr")
        metrics.setNamespacesFailed(2, clusterPullSecret: "ghcr")
        metrics.setWorkQueueDepth(7)
        metrics.setLeader(true)
        let lines = samples(metrics)
        #expect(lines.contains(#"regcred_managed_secrets{clusterpullsecret="ghcr"} 40.0"#))
        #expect(lines.contains(#"regcred_namespaces_failed{clusterpullsecret="ghcr"} 2.0"#))
        #expect(lines.contains("regcred_workqueue_depth 7.0"))
        #expect(lines.contains("regcred_leader 1.0"))
        metrics.setLeader(false)
        #expect(samples(metrics).contains("regcred_leader 0.0"))
    }

    @Test("queue depth and leader are exposed from the start, at 0")
    func unlabelledStartAtZero() {
        let lines = samples(ControllerMetrics())
        #expect(lines.contains("regcred_workqueue_depth 0.0"))
        #expect(lines.contains("regcred_leader 0.0"))
    }

    @Test("API requests are counted by verb and status code")
    func apiRequests() {
        let metrics = ControllerMetrics()
        metrics.recordAPIRequest(verb: "create", code: 201)
        metrics.recordAPIRequest(verb: "create", code: 201)
        metrics.recordAPIRequest(verb: "update", code: 409)
        metrics.recordAPIRequest(verb: "get", code: 0)
        let lines = samples(metrics)
        #expect(lines.contains(#"regcred_api_requests_total{verb="create",code="201"} 2"#))
        #expect(lines.contains(#"regcred_api_requests_total{verb="update",code="409"} 1"#))
        #expect(lines.contains(#"regcred_api_requests_total{verb="get",code="0"} 1"#))
    }

    @Test("credential expiry is a Unix timestamp; no expiry drops the series")
    func credentialExpiry() {
        let metrics = ControllerMetrics()
        metrics.setCredentialExpiry(Date(timeIntervalSince1970: 1_750_000_000), clusterPullSecret: "ecr")
        metrics.setCredentialExpiry(Date(timeIntervalSince1970: 1_760_000_000), clusterPullSecret: "gcr")
        #expect(samples(metrics).contains(#"regcred_credential_expiry_timestamp_seconds{clusterpullsecret="ecr"} 1750000000.0"#))
        metrics.setCredentialExpiry(nil, clusterPullSecret: "ecr")
        let lines = samples(metrics)
        #expect(!lines.contains { $0.contains(#"clusterpullsecret="ecr""#) })
        #expect(lines.contains(#"regcred_credential_expiry_timestamp_seconds{clusterpullsecret="gcr"} 1760000000.0"#))
    }

    @Test("forget drops every series of that ClusterPullSecret and keeps the others")
    func forget() {
        let metrics = ControllerMetrics()
        for name in ["gone", "kept"] {
            metrics.recordReconcile(clusterPullSecret: name, succeeded: false, duration: .milliseconds(5))
            metrics.setManagedSecrets(3, clusterPullSecret: name)
            metrics.setNamespacesFailed(1, clusterPullSecret: name)
            metrics.setCredentialExpiry(Date(timeIntervalSince1970: 1_750_000_000), clusterPullSecret: name)
        }
        metrics.forget(clusterPullSecret: "gone")
        let text = metrics.exposition()
        #expect(!text.contains(#"clusterpullsecret="gone""#))
        for family in ["regcred_reconcile_total", "regcred_reconcile_errors_total", "regcred_reconcile_duration_seconds_count",
                       "regcred_managed_secrets", "regcred_namespaces_failed", "regcred_credential_expiry_timestamp_seconds"] {
            #expect(text.contains(#"\#(family){clusterpullsecret="kept""#), "\(family)")
        }
        // Forgetting a name never seen, or twice, is harmless.
        metrics.forget(clusterPullSecret: "gone")
        metrics.forget(clusterPullSecret: "never")
        #expect(metrics.exposition() == text)
    }

    @Test("every family has its TYPE line with the Prometheus type")
    func typeLines() {
        let metrics = ControllerMetrics()
        metrics.recordReconcile(clusterPullSecret: "ghcr", succeeded: true, duration: .milliseconds(5))
        metrics.setManagedSecrets(1, clusterPullSecret: "ghcr")
        metrics.setNamespacesFailed(0, clusterPullSecret: "ghcr")
        metrics.recordAPIRequest(verb: "list", code: 200)
        metrics.setCredentialExpiry(Date(timeIntervalSince1970: 1), clusterPullSecret: "ghcr")
        let text = metrics.exposition()
        let expected = [
            ("regcred_reconcile_total", "counter"), ("regcred_reconcile_errors_total", "counter"),
            ("regcred_reconcile_duration_seconds", "histogram"), ("regcred_managed_secrets", "gauge"),
            ("regcred_namespaces_failed", "gauge"), ("regcred_workqueue_depth", "gauge"),
            ("regcred_api_requests_total", "counter"), ("regcred_credential_expiry_timestamp_seconds", "gauge"),
            ("regcred_leader", "gauge"),
        ]
        for (name, type) in expected {
            #expect(text.contains("# TYPE \(name) \(type)\n"), "\(name)")
        }
    }

    @Test("label values are escaped in the exposition")
    func escaping() {
        let metrics = ControllerMetrics()
        metrics.setManagedSecrets(1, clusterPullSecret: #"we"ird\name"#)
        #expect(samples(metrics).contains(#"regcred_managed_secrets{clusterpullsecret="we\"ird\\name"} 1.0"#))
    }
}

// MARK: - HealthServer

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
