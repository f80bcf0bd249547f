// Token sources in the controller, through the CredentialSource seam with a counting fake
// provider: one provider call per refresh for any number of namespaces, refresh on expiry,
// the last good credential kept through an outage, recovery, and no token in status or events.
import Controller
import CredentialSources
import Foundation
import KubernetesClient
import Logging
import Operations
import RegcredCore
import TestPeers
import Testing

/// A provider whose tokens, expiry and failures the test sets; counts calls like a fake peer.
actor FakeProvider {
    var calls = 0
    var nextToken = "tok-1"
    var lifetime: TimeInterval = 12 * 3600
    var failure: CredentialSourceError?

    func set(token: String? = nil, lifetime: TimeInterval? = nil, failure: CredentialSourceError?) {
        if let token { nextToken = token }
        if let lifetime { self.lifetime = lifetime }
        self.failure = failure
    }

    func fetch() throws(CredentialSourceError) -> CredentialMaterial {
        calls += 1
        if let failure { throw failure }
        return .basic(Credential(
            username: "AWS", password: Redacted(nextToken), expiresAt: Date().addingTimeInterval(lifetime),
            registries: ["123456789012.dkr.ecr.us-east-1.amazonaws.com"]))
    }
}

struct FakeTokenSource: CredentialSource {
    let provider: FakeProvider
    var summary: String { "fake ecr" }
    func fetch() async throws(CredentialSourceError) -> CredentialMaterial {
        try await provider.fetch()
    }
}

@Suite("Token sources in the controller", .serialized)
struct TokenSourceEndToEndTests {
    static let host = "123456789012.dkr.ecr.us-east-1.amazonaws.com"

    func tokenClusterPullSecret(_ cluster: ControllerHarness, _ suffix: String, before: String = "30m") async throws -> String {
        let name = "\(cluster.id)-\(suffix)"
        let spec = ClusterPullSecretSpec(
            source: CredentialSourceSpec(ecr: ECRSourceSpec(regions: ["us-east-1"])), secretName: "regcred-ecr",
            namespaces: NamespacesSpec(selector: cluster.selector), refresh: RefreshSpec(before: before))
        _ = try await cluster.client.resource(ClusterPullSecret.self).create(ClusterPullSecret(metadata: ObjectMeta(name: name, labels: cluster.clusterPullSecretLabels), spec: spec))
        return name
    }

    func password(in namespace: String, _ cluster: ControllerHarness) async -> String? {
        guard let data = await cluster.secret("regcred-ecr", in: namespace)?.data[".dockerconfigjson"],
            let config = try? DockerConfig(parsing: data, format: .dockerConfigJSON)
        else { return nil }
        return config.entries[Self.host]?.effectiveCredentials?.password
    }

    func withTokenController(
        _ cluster: ControllerHarness, provider: FakeProvider, retry: TokenRetryPolicy = TokenRetryPolicy(kind: .simple, retries: 1, delay: .milliseconds(200)),
        logger: Logger? = nil, _ body: (PullSecretController) async throws -> Void
    ) async throws {
        var log = logger ?? Logger(label: "regcred.test")
        if logger == nil { log.logLevel = .warning }
        let controller = PullSecretController(
            client: cluster.client, controllerNamespace: cluster.controllerNamespace, catalog: ProfileCatalog(),
            metrics: ControllerMetrics(), identity: "test", selector: cluster.clusterPullSecretSelector, tokenRetry: retry,
            makeSource: { _, _ in FakeTokenSource(provider: provider) }, logger: log)
        try await controller.running(workers: 2) { try await body(controller) }
    }

    @Test("one provider call serves every namespace, including ones created later")
    func oneCallForAllNamespaces() async throws {
        try await ControllerHarness.run { cluster in
            var namespaces: [String] = []
            for index in 0..<12 { namespaces.append(try await cluster.namespace("n\(index)")) }
            let provider = FakeProvider()
            let name = try await tokenClusterPullSecret(cluster, "one")
            try await withTokenController(cluster, provider: provider) { controller in
                for namespace in namespaces {
                    try await eventually("\(namespace) has the token") { await password(in: namespace, cluster) == "tok-1" }
                }
                namespaces.append(try await cluster.namespace("late"))
                try await eventually("a later namespace gets the same token") { await password(in: namespaces.last!, cluster) == "tok-1" }
                try await eventually("status shows expiry and refresh time") {
                    let status = await cluster.status(name)
                    return status?.expiresAt != nil && status?.lastRefreshTime != nil && status?.condition("SourceAvailable")?.status == .true
                }
                #expect(await provider.calls == 1, "one token call for 13 namespaces and many reconciles")
                #expect(await controller.refresher.fetchCount[name] == 1)
            }
        }
    }

    @Test("a token refreshes from its real expiry and the new one rolls out everywhere")
    func refreshOnExpiry() async throws {
        try await ControllerHarness.run { cluster in
            let first = try await cluster.namespace("a")
            let second = try await cluster.namespace("b")
            let provider = FakeProvider()
            // 4 s lifetime, refresh 1 s before → at most 3 s (half-life 2 s wins: refresh at ≤ 2 s).
            await provider.set(lifetime: 4, failure: nil)
            _ = try await tokenClusterPullSecret(cluster, "refresh", before: "1s")
            try await withTokenController(cluster, provider: provider) { _ in
                try await eventually("first token in place") { await password(in: first, cluster) == "tok-1" }
                await provider.set(token: "tok-2", lifetime: 3600, failure: nil)
                try await eventually("the refreshed token reaches every namespace", timeout: .seconds(30)) {
                    let a = await password(in: first, cluster)
                    let b = await password(in: second, cluster)
                    return a == "tok-2" && b == "tok-2"
                }
                #expect(await provider.calls == 2, "one call at start, one at the refresh point")
            }
        }
    }

    @Test("an outage keeps the last good secret, reports SourceAvailable=False without the token, and recovers")
    func outageKeepsLastGood() async throws {
        try await ControllerHarness.run { cluster in
            let namespace = try await cluster.namespace("a")
            let provider = FakeProvider()
            await provider.set(token: "good-token-123", lifetime: 4, failure: nil)
            let name = try await tokenClusterPullSecret(cluster, "outage", before: "1s")
            try await withTokenController(cluster, provider: provider) { _ in
                try await eventually("good token in place") { await password(in: namespace, cluster) == "good-token-123" }
                await provider.set(failure: CredentialSourceError(.unreachable, provider: "ecr", "cannot reach https://api.ecr.us-east-1.amazonaws.com: timed out"))
                try await eventually("the outage is reported", timeout: .seconds(30)) {
                    await cluster.status(name)?.condition("SourceAvailable")?.status == .false
                }
                let status = try #require(await cluster.status(name))
                #expect(status.condition("SourceAvailable")?.reason == "ProviderUnreachable")
                #expect(status.condition("SourceAvailable")?.message.contains("timed out") == true)
                #expect(await password(in: namespace, cluster) == "good-token-123", "the last good secret stays in place")
                let encoded = String(decoding: try JSONEncoder().encode(status), as: UTF8.self)
                #expect(!encoded.contains("good-token-123"))
                let events = try await cluster.client.resourceInAllNamespaces(Event.self).list().items
                #expect(!events.contains { ($0.note ?? "").contains("good-token-123") })
                let callsDuringOutage = await provider.calls
                #expect(callsDuringOutage >= 3, "retries continue: \(callsDuringOutage)")

                await provider.set(token: "recovered-456", lifetime: 3600, failure: nil)
                try await eventually("recovers when the provider is back", timeout: .seconds(30)) {
                    let available = await cluster.status(name)?.condition("SourceAvailable")?.status == .true
                    let current = await password(in: namespace, cluster)
                    return available && current == "recovered-456"
                }
            }
        }
    }

    @Test("a provider that never worked writes nothing and says why")
    func neverWorked() async throws {
        try await ControllerHarness.run { cluster in
            let namespace = try await cluster.namespace("a")
            let provider = FakeProvider()
            await provider.set(failure: CredentialSourceError(.rejected, provider: "ecr", "UnrecognizedClientException: The security token included in the request is invalid"))
            let name = try await tokenClusterPullSecret(cluster, "never")
            try await withTokenController(cluster, provider: provider) { _ in
                try await eventually("reported") {
                    let status = await cluster.status(name)
                    return status?.condition("SourceAvailable")?.reason == "CredentialsRejected"
                        && status?.condition("Ready")?.status == .false
                }
                #expect(await cluster.secret("regcred-ecr", in: namespace) == nil, "never an empty or partial secret")
            }
        }
    }
}

@Suite("ECR source in the controller", .serialized)
struct ECRControllerEndToEndTests {
    @Test("an ECR ClusterPullSecret fans out to many namespaces with exactly one GetAuthorizationToken call")
    func oneCallPerRefresh() async throws {
        let ecr = try await ECRStandIn.start()
        defer { Task { await ecr.stop() } }
        try await ControllerHarness.run { cluster in
            var namespaces: [String] = []
            for index in 0..<25 { namespaces.append(try await cluster.namespace("n\(index)")) }
            let name = "\(cluster.id)-ecr"
            let spec = ClusterPullSecretSpec(
                source: CredentialSourceSpec(ecr: ECRSourceSpec(regions: ["us-east-1"], endpoint: ecr.endpoint)),
                secretName: "regcred-ecr", namespaces: NamespacesSpec(selector: cluster.selector))
            _ = try await cluster.client.resource(ClusterPullSecret.self).create(ClusterPullSecret(metadata: ObjectMeta(name: name, labels: cluster.clusterPullSecretLabels), spec: spec))
            var logger = Logger(label: "regcred.test")
            logger.logLevel = .error
            let environment = ["AWS_ACCESS_KEY_ID": "AKIDSTANDIN", "AWS_SECRET_ACCESS_KEY": "stand-in-secret", "AWS_EC2_METADATA_DISABLED": "true"]
            let controller = PullSecretController(
                client: cluster.client, controllerNamespace: cluster.controllerNamespace, catalog: ProfileCatalog(),
                metrics: ControllerMetrics(), identity: "test", selector: cluster.clusterPullSecretSelector,
                sources: SourceContext(http: .shared, environment: environment),
                logger: logger)
            try await controller.running(workers: 2) {
                let host = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
                for namespace in namespaces {
                    try await eventually("\(namespace) has the ECR token") {
                        guard let data = await cluster.secret("regcred-ecr", in: namespace)?.data[".dockerconfigjson"] else { return false }
                        return try DockerConfig(parsing: data, format: .dockerConfigJSON).entries[host]?.effectiveCredentials?.password == "ecr-token-1"
                    }
                }
                try await eventually("status carries the expiry") { await cluster.status(name)?.expiresAt != nil }
                #expect(ecr.calls == 1, "one GetAuthorizationToken for \(namespaces.count) namespaces")
                #expect(ecr.state.withLock { $0.signedCalls } == 1, "the call was SigV4-signed with the configured key")
            }
        }
    }
}
