// spec.verify in the controller, with a stand-in verifier (the real handshake is RegistryProbe's,
// tested against docker-registry): held-back credentials, last verified kept, warn policy,
// unreachable told apart from rejected.
import Controller
import Foundation
import KubernetesClient
import Logging
import Operations
import RegcredCore
import TestPeers
import Testing

/// Accepts one password; answers `unreachable` when told to.
actor StandInVerifier: RegistryVerifying {
    var accepted = "good-pass"
    var unreachable = false
    var probes = 0

    func set(accepted: String? = nil, unreachable: Bool) {
        if let accepted { self.accepted = accepted }
        self.unreachable = unreachable
    }

    nonisolated func verify(config: DockerConfig, registries: [String], image: String?) async -> [RegistryCheck] {
        await check(config, registries)
    }

    private func check(_ config: DockerConfig, _ registries: [String]) -> [RegistryCheck] {
        probes += 1
        return registries.map { registry in
            if unreachable { return RegistryCheck(registry: registry, result: .unreachable, detail: "connection refused") }
            let password = config.entries[registry]?.effectiveCredentials?.password
            return password == accepted
                ? RegistryCheck(registry: registry, result: .ok, detail: "basic")
                : RegistryCheck(registry: registry, result: .rejected, detail: "the registry refused the credentials")
        }
    }
}

@Suite("Verify before rollout", .serialized)
struct VerificationEndToEndTests {
    static let secretName = "regcred-verified"

    func create(_ cluster: ControllerHarness, _ suffix: String, policy: VerifySpec.Policy) async throws -> String {
        let name = "\(cluster.id)-\(suffix)"
        let spec = ClusterPullSecretSpec(
            registries: ["registry.example.com"],
            source: CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "registry-token"))),
            secretName: Self.secretName, namespaces: NamespacesSpec(selector: cluster.selector),
            verify: VerifySpec(enabled: true, policy: policy))
        _ = try await cluster.client.resource(ClusterPullSecret.self).create(ClusterPullSecret(metadata: ObjectMeta(name: name, labels: cluster.clusterPullSecretLabels), spec: spec))
        return name
    }

    func password(in namespace: String, _ cluster: ControllerHarness) async -> String? {
        guard let data = await cluster.secret(Self.secretName, in: namespace)?.data[".dockerconfigjson"],
            let config = try? DockerConfig(parsing: data, format: .dockerConfigJSON)
        else { return nil }
        return config.entries["registry.example.com"]?.effectiveCredentials?.password
    }

    func withController(_ cluster: ControllerHarness, verifier: StandInVerifier, _ body: () async throws -> Void) async throws {
        var logger = Logger(label: "regcred.test")
        logger.logLevel = .error
        let controller = PullSecretController(
            client: cluster.client, controllerNamespace: cluster.controllerNamespace, catalog: ProfileCatalog(),
            metrics: ControllerMetrics(), identity: "test", selector: cluster.clusterPullSecretSelector, verifier: verifier, logger: logger)
        try await controller.running(workers: 2) { try await body() }
    }

    @Test("block: rejected credentials are not written; the last verified ones stay and serve new namespaces")
    func blockKeepsLastVerified() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "good-pass")
            let first = try await cluster.namespace("a")
            let verifier = StandInVerifier()
            let name = try await create(cluster, "block", policy: .block)
            try await withController(cluster, verifier: verifier) {
                try await eventually("verified credentials written") { await password(in: first, cluster) == "good-pass" }
                try await eventually("status says Verified") {
                    let status = await cluster.status(name)
                    return status?.condition("Verified")?.status == .true && status?.lastVerifiedTime != nil
                        && status?.verifiedRegistries == ["registry.example.com"]
                }
                try await cluster.sourceSecret(password: "typo-pass")
                try await eventually("the rejected credentials are reported") {
                    await cluster.status(name)?.condition("Verified")?.reason == "CredentialsRejected"
                }
                #expect(await password(in: first, cluster) == "good-pass", "nothing rejected is written")
                let late = try await cluster.namespace("late")
                try await eventually("a new namespace gets the last verified credentials") { await password(in: late, cluster) == "good-pass" }
                let events = try await cluster.client.resourceInAllNamespaces(Event.self).list().items
                #expect(events.contains { $0.reason == "VerificationFailed" })
                #expect(!events.contains { ($0.note ?? "").contains("typo-pass") })
                let status = try #require(await cluster.status(name))
                #expect(!String(decoding: try JSONEncoder().encode(status), as: UTF8.self).contains("typo-pass"))

                await verifier.set(accepted: "typo-pass", unreachable: false)
                try await cluster.sourceSecret(username: "robot2", password: "typo-pass")
                try await eventually("fixed credentials roll out once verified") { await password(in: first, cluster) == "typo-pass" }
            }
        }
    }

    @Test("an unreachable registry is reported as such, not as rejected credentials")
    func unreachable() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "good-pass")
            let namespace = try await cluster.namespace("a")
            let verifier = StandInVerifier()
            await verifier.set(unreachable: true)
            let name = try await create(cluster, "unreach", policy: .block)
            try await withController(cluster, verifier: verifier) {
                try await eventually("reported unreachable") {
                    let condition = await cluster.status(name)?.condition("Verified")
                    return condition?.reason == "RegistryUnreachable" && condition?.message.contains("connection refused") == true
                }
                #expect(await cluster.secret(Self.secretName, in: namespace) == nil, "nothing verified yet: nothing written")
            }
        }
    }

    @Test("warn: failed verification is reported and the credentials are written anyway")
    func warnWrites() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "other-pass")
            let namespace = try await cluster.namespace("a")
            let name = try await create(cluster, "warn", policy: .warn)
            try await withController(cluster, verifier: StandInVerifier()) {
                try await eventually("written despite the failed check") { await password(in: namespace, cluster) == "other-pass" }
                try await eventually("and reported") { await cluster.status(name)?.condition("Verified")?.status == .false }
            }
        }
    }
}
