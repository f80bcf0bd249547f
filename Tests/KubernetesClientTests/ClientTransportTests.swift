// The client against a port where nothing listens: typed "cannot reach" errors, retries of
// connect failures on the injected clock, and no secret in any log line or error.
import Foundation
import Logging
import RegcredCore
import TestPeers
import Testing
@testable import KubernetesClient

@Suite(.serialized) struct ClientTransportTests {
    static let secretToken = "super-secret-bearer-token-0123456789"

    static func closedPortConfig() -> ClientConfig {
        ClientConfig(server: "http://127.0.0.1:1", credentials: ClientCredentials(bearerToken: Redacted(secretToken)), namespace: "app")
    }

    @Test func unreachableServerIsATypedErrorAfterRetries() async throws {
        let clock = ManualClock()
        let client = try KubeClient(config: Self.closedPortConfig(), retryPolicy: RetryPolicy(maxAttempts: 3), clock: clock.kubeClock)
        defer { Task { try? await client.shutdown() } }
        let error = await #expect(throws: KubeAPIError.self) { try await client.resource(Secret.self).create(Secret(metadata: ObjectMeta(name: "x"))) }
        #expect(error?.reason == .unreachable)
        #expect(error?.description.hasPrefix("create secrets app/x: cannot reach http://127.0.0.1:1: connection refused") == true)
        #expect(error?.description.hasSuffix("— is the cluster running and is --context right?") == true)
        // Nothing reached the server, so even a create is retried: two backoff sleeps for three attempts.
        #expect(clock.sleeps.count == 2)
        try await client.shutdown()
    }

    @Test func errorPathsNeverLogOrPrintTheToken() async throws {
        let logs = CapturedLogs()
        let logger = logs.logger(label: "test")
        let client = try KubeClient(config: Self.closedPortConfig(), retryPolicy: RetryPolicy(maxAttempts: 2), clock: ManualClock().kubeClock, logger: logger)
        let error = await #expect(throws: KubeAPIError.self) { try await client.resource(Secret.self).get("pull") }
        try await client.shutdown()
        let records = logs.all
        #expect(!records.isEmpty)
        for record in records { #expect(!record.contains(Self.secretToken)) }
        #expect(!"\(String(describing: error))".contains(Self.secretToken))
        #expect(!String(reflecting: Self.closedPortConfig()).contains(Self.secretToken))
    }

    @Test func tlsServerNameRoutesThroughDNSOverride() throws {
        let config = ClientConfig(server: "https://127.0.0.1:6443", insecureSkipTLSVerify: true, tlsServerName: "kubernetes.default")
        let client = try KubeClient(config: config)
        #expect(client.requestBase == "https://kubernetes.default:6443")
        try client.http.syncShutdown()
    }

    @Test func applyIntentCarriesTypeAndNamespaceButNoManagedFields() throws {
        let client = try KubeClient(config: ClientConfig(server: "http://127.0.0.1:1", namespace: "app"))
        defer { try? client.http.syncShutdown() }
        let read = try Secret(json: JSONValue(parsing: Data(#"{"metadata":{"name":"s","managedFields":[{"manager":"kubectl"}],"labels":{"a":"b"}},"type":"Opaque"}"#.utf8)))
        let intent = client.resource(Secret.self).applyIntent(read, namespace: "app")
        #expect(intent["apiVersion"] == .string("v1"))
        #expect(intent["kind"] == .string("Secret"))
        #expect(intent["metadata"]?["namespace"] == .string("app"))
        #expect(intent["metadata"]?["managedFields"] == nil)
        #expect(intent["metadata"]?["labels"]?["a"] == .string("b"))
    }

    @Test func aBadCAIsReportedBeforeAnyRequest() {
        let config = ClientConfig(server: "https://k", certificateAuthorityPEM: Data("not pem".utf8))
        #expect(throws: AuthenticationError.self) { try KubeClient(config: config) }
    }
}
