// The webhook's self-managed TLS end to end through a kubeconfig (KubeSandbox by default, a real
// cluster under REGCRED_E2E_KUBECONFIG): the first start writes the Secret and the caBundle;
// racing replicas end with one Secret and one certificate; renewals and a CA roll reach the
// stream while every served certificate verifies against the caBundle of the moment; 409s and
// foreign caBundle edits are survived and repaired.
import Controller
import Foundation
import KubernetesClient
import Logging
import Operations
import RegcredCore
import Synchronization
import Testing
import TestPeers
// A fixed validation time: certificates are judged at the test's moved clock.
@_spi(FixedExpiryValidationTime) import X509

/// A clock the test moves: certificates are issued and judged at its time.
final class MovableTime: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Date()) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(days: Double) { current.withLock { $0.addTimeInterval(days * 86_400) } }
}

/// One MutatingWebhookConfiguration per test (cluster-scoped, so named after the test and deleted).
struct WebhookCertificateCluster {
    let cluster: ControllerHarness
    let settings: WebhookCertificateSettings
    var configurations: ResourceClient<UnstructuredObject> {
        cluster.client.resource(WebhookCABundlePatch.resource, as: UnstructuredObject.self, namespace: nil)
    }

    static func run(lifetimes: WebhookCertificateLifetimes = .standard, _ body: (WebhookCertificateCluster) async throws -> Void) async throws {
        try await ControllerHarness.run { cluster in
            let settings = WebhookCertificateSettings(
                namespace: cluster.controllerNamespace, webhookConfigurationName: "\(cluster.id)-regcred", lifetimes: lifetimes,
                recheckInterval: .milliseconds(50))
            let world = WebhookCertificateCluster(cluster: cluster, settings: settings)
            _ = try await world.configurations.create(try UnstructuredObject(json: world.configuration()))
            do { try await body(world) } catch {
                try? await world.configurations.delete(settings.webhookConfigurationName)
                throw error
            }
            try? await world.configurations.delete(settings.webhookConfigurationName)
        }
    }

    func configuration() -> JSONValue {
        let webhook = { (name: String) -> JSONValue in
            .object([
                "name": .string(name), "failurePolicy": "Ignore", "sideEffects": "None", "timeoutSeconds": .integer(2),
                "admissionReviewVersions": .array(["v1"]),
                "clientConfig": .object(["service": .object([
                    "name": .string(settings.serviceName), "namespace": .string(settings.namespace), "path": "/mutate-pods", "port": .integer(443),
                ])]),
                "rules": .array([.object(["apiGroups": .array([""]), "apiVersions": .array(["v1"]), "operations": .array(["CREATE"]), "resources": .array(["pods"])])]),
            ])
        }
        return .object([
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
            "metadata": .object(["name": .string(settings.webhookConfigurationName)]),
            "webhooks": .array([webhook("pods.regcred.dev"), webhook("pods-again.regcred.dev")]),
        ])
    }

    /// Runs a replica while `body` runs.
    func withReplica(time: MovableTime? = nil, client: KubeClient? = nil, _ body: (SelfManagedWebhookCertificates) async throws -> Void) async throws {
        var logger = Logger(label: "regcred.test.webhook-certs")
        logger.logLevel = .warning
        let now: @Sendable () -> Date
        if let time { now = { time.now } } else { now = { Date() } }
        let replica = SelfManagedWebhookCertificates(client: client ?? cluster.client, settings: settings, now: now, logger: logger)
        let task = Task { try await replica.run() }
        do { try await body(replica) } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
        task.cancel()
        _ = await task.result
    }

    func secret() async -> Secret? { await cluster.secret(settings.secretName, in: settings.namespace) }

    /// The caBundle of every webhook, decoded (nil where missing).
    func caBundles() async throws -> [String?] {
        let configuration = try await configurations.get(settings.webhookConfigurationName)
        return (configuration["webhooks"]?.arrayValue ?? []).map { webhook in
            webhook["clientConfig"]?["caBundle"]?.stringValue.flatMap { Data(base64Encoded: $0) }.flatMap { String(data: $0, encoding: .utf8) }
        }
    }

    /// Whether `serving` verifies, at `time`, for the Service name the API server uses, against
    /// the CAs of the caBundle as it is now (every webhook's).
    func verifies(_ serving: ServingCertificate, at time: Date) async throws -> Bool {
        let bundles = try await caBundles()
        guard !bundles.isEmpty else { return false }
        let leaf = try Certificate(pemEncoded: serving.certificateChainPEM)
        for bundle in bundles {
            guard let bundle else { return false }
            let roots = try bundle.components(separatedBy: "-----END CERTIFICATE-----")
                .filter { $0.contains("BEGIN CERTIFICATE") }
                .map { try Certificate(pemEncoded: $0 + "-----END CERTIFICATE-----") }
            var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
                RFC5280Policy(fixedExpiryValidationTime: time)
                ServerIdentityPolicy(serverHostname: "\(settings.serviceName).\(settings.namespace).svc", serverIP: nil)
            }
            guard case .validCertificate = await verifier.validate(leaf: leaf, intermediates: CertificateStore()) else { return false }
        }
        return true
    }
}

/// Everything a replica's stream yields, read in the background, so that a test waits for the
/// n-th certificate with `eventually` (a generous bound on a hang) instead of forever.
final class CertificateCollector: Sendable {
    private final class Seen: Sendable {
        let certificates = Mutex<[ServingCertificate]>([])
    }

    private let seen = Seen()
    private let reader: Task<Void, Never>

    init(_ replica: SelfManagedWebhookCertificates) {
        let seen = self.seen
        reader = Task { for await certificate in replica.certificates { seen.certificates.withLock { $0.append(certificate) } } }
    }

    deinit { reader.cancel() }

    var all: [ServingCertificate] { seen.certificates.withLock { $0 } }

    /// The certificate yielded after the first `count`.
    func next(after count: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws -> ServingCertificate {
        try await eventually("certificate \(count + 1) is yielded", sourceLocation: sourceLocation) { self.all.count > count }
        return all[count]
    }
}

/// The first certificate a replica yields.
func firstCertificate(_ replica: SelfManagedWebhookCertificates) async throws -> ServingCertificate {
    try await CertificateCollector(replica).next(after: 0)
}

@Suite("Self-managed webhook certificates", .serialized)
struct SelfManagedWebhookCertificatesTests {
    @Test("first start: one Secret with CA and serving certificate, the caBundle in every webhook, and the certificate in the stream; it verifies against the caBundle")
    func firstStart() async throws {
        try await WebhookCertificateCluster.run { world in
            try await world.withReplica { replica in
                let serving = try await firstCertificate(replica)
                let secret = try #require(await world.secret())
                #expect(secret.type == "kubernetes.io/tls")
                #expect(Set(secret.data.keys) == ["tls.crt", "tls.key", "ca.crt", "ca.key"])
                #expect(secret.data["tls.crt"].map { String(decoding: $0, as: UTF8.self) } == serving.certificateChainPEM)
                try await eventually("every webhook carries the Secret's ca.crt") {
                    try await world.caBundles() == Array(repeating: secret.data["ca.crt"].map { String(decoding: $0, as: UTF8.self) }, count: 2)
                }
                #expect(try await world.verifies(serving, at: Date()))
                // The key belongs to the certificate, and the certificate names every Service DNS name.
                let certificate = try Certificate(pemEncoded: serving.certificateChainPEM)
                #expect(try Certificate.PrivateKey(pemEncoded: serving.privateKeyPEM).publicKey == certificate.publicKey)
                let names = try certificate.extensions.subjectAlternativeNames?.compactMap { name -> String? in
                    if case .dnsName(let dns) = name { return dns }
                    return nil
                }
                #expect(names == world.settings.serviceDNSNames)
                // A year's serving certificate, renewed at two thirds (WebhookCertificateLifetimes.standard).
                #expect(abs(serving.notAfter.timeIntervalSinceNow - 365 * 86_400) < 3_600)
                // Other webhook fields are untouched.
                let webhooks = try await world.configurations.get(world.settings.webhookConfigurationName)["webhooks"]?.arrayValue ?? []
                #expect(webhooks.map { $0["failurePolicy"] } == ["Ignore", "Ignore"])
                #expect(webhooks.map { $0["clientConfig"]?["service"]?["path"] } == ["/mutate-pods", "/mutate-pods"])
            }
        }
    }

    @Test("two replicas racing at first start end with one Secret and the same certificate")
    func racingReplicas() async throws {
        try await WebhookCertificateCluster.run { world in
            try await world.withReplica { first in
                try await world.withReplica { second in
                    let collectors = [CertificateCollector(first), CertificateCollector(second)]
                    _ = try await collectors[0].next(after: 0)
                    _ = try await collectors[1].next(after: 0)
                    let stored = try #require(await world.secret())
                    let storedCertificate = stored.data["tls.crt"].map { String(decoding: $0, as: UTF8.self) }
                    // Whatever a replica yielded first, its latest is the Secret's: a loser adopts the winner's.
                    try await eventually("both replicas serve the stored certificate") {
                        collectors.allSatisfy { $0.all.last?.certificateChainPEM == storedCertificate }
                    }
                    let certificates = collectors.compactMap(\.all.last)
                    #expect(certificates[0] == certificates[1])
                    #expect(certificates[0].certificateChainPEM == storedCertificate)
                    let secrets = try await world.cluster.client.resource(Secret.self, namespace: world.settings.namespace)
                        .list(ListOptions(labelSelector: LabelQuery(matchLabels: ["app.kubernetes.io/component": "webhook"])))
                    #expect(secrets.items.map(\.metadata.name) == [world.settings.secretName])
                    #expect(try await world.verifies(certificates[0], at: Date()))
                }
            }
        }
    }

    @Test("a serving certificate at two thirds of its life is renewed by the same CA and the stream yields the new one")
    func renewal() async throws {
        try await WebhookCertificateCluster.run { world in
            let time = MovableTime()
            try await world.withReplica(time: time) { replica in
                let stream = CertificateCollector(replica)
                let first = try await stream.next(after: 0)
                try await eventually("the caBundle is written") { try await world.verifies(first, at: time.now) }
                let bundle = try await world.caBundles()
                time.advance(days: 250)
                let renewed = try await stream.next(after: 1)
                #expect(renewed != first)
                #expect(abs(renewed.notAfter.timeIntervalSince(time.now) - 365 * 86_400) < 3_600)
                #expect(try await world.caBundles() == bundle, "a renewal keeps the CA")
                #expect(try await world.verifies(renewed, at: time.now))
                #expect(await world.secret()?.data["tls.crt"].map { String(decoding: $0, as: UTF8.self) } == renewed.certificateChainPEM)
            }
        }
    }

    @Test("a CA roll: the next CA is trusted before it signs, the old one until its certificate is gone; every certificate served verifies against the caBundle of its time")
    func authorityRoll() async throws {
        let lifetimes = WebhookCertificateLifetimes(authority: 30 * 86_400, serving: 10 * 86_400, propagation: 3_600)
        try await WebhookCertificateCluster.run(lifetimes: lifetimes) { world in
            let time = MovableTime()
            try await world.withReplica(time: time) { replica in
                let stream = CertificateCollector(replica)
                var serving = try await stream.next(after: 0)
                func trustedCount() async throws -> Int {
                    let bundle = try await world.caBundles().first ?? nil
                    return (bundle?.components(separatedBy: "BEGIN CERTIFICATE").count ?? 1) - 1
                }
                // Serving renewals every 2/3 of 10 days until the CA reaches 2/3 of its 30 days.
                for round in 1...3 {
                    time.advance(days: 7)
                    serving = try await stream.next(after: round)
                    #expect(try await world.verifies(serving, at: time.now))
                }
                // Day 21 > 20: the next CA joined the caBundle; the served certificate is unchanged and verifies.
                try await eventually("the next CA is in the caBundle") { try await trustedCount() == 2 }
                #expect(await world.secret()?.data["ca-next.key"] != nil)
                #expect(try await world.verifies(serving, at: time.now))
                // After the propagation time the next CA signs a new serving certificate; the old CA stays trusted.
                time.advance(days: 0.1)
                let promoted = try await stream.next(after: 4)
                #expect(try await world.verifies(promoted, at: time.now))
                #expect(try await world.verifies(serving, at: time.now), "the old certificate still verifies while replicas switch")
                // Once the new certificate has propagated, the retired CA leaves the caBundle.
                time.advance(days: 0.1)
                try await eventually("the retired CA left the caBundle") { try await trustedCount() == 1 }
                #expect(try await world.verifies(promoted, at: time.now))
                #expect(await world.secret()?.data["ca-next.key"] == nil)
            }
        }
    }

    @Test("409s on the Secret's create and on the caBundle patch are retried from a fresh read")
    func conflicts() async throws {
        try await WebhookCertificateCluster.run { world in
            guard let sandbox = world.cluster.sandbox else { return }
            sandbox.faults.failNext(1, verb: "create", resource: "secrets", status: 409)
            sandbox.faults.failNext(1, verb: "patch", resource: "mutatingwebhookconfigurations", status: 409)
            try await world.withReplica { replica in
                let serving = try await firstCertificate(replica)
                #expect(try await world.verifies(serving, at: Date()))
            }
        }
    }

    @Test("a foreign edit of the caBundle is repaired; other fields of the configuration stay as edited")
    func foreignEditRepaired() async throws {
        try await WebhookCertificateCluster.run { world in
            try await world.withReplica { replica in
                let serving = try await firstCertificate(replica)
                try await eventually("the caBundle is written") { try await world.verifies(serving, at: Date()) }
                let name = world.settings.webhookConfigurationName
                _ = try await world.configurations.patch(name, .json([
                    .replace(path: "/webhooks/0/clientConfig/caBundle", value: .string(Data("not a CA".utf8).base64EncodedString())),
                    .replace(path: "/webhooks/1/timeoutSeconds", value: .integer(5)),
                ]))
                try await eventually("the caBundle is repaired") { try await world.verifies(serving, at: Date()) }
                let webhooks = try await world.configurations.get(name)["webhooks"]?.arrayValue ?? []
                #expect(webhooks.map { $0["timeoutSeconds"] } == [.integer(2), .integer(5)])
            }
        }
    }

    @Test("as the controller's own service account with exactly the rules `regcred rbac --webhook` renders: issues, writes the caBundle, renews; no other Secret of its namespace can be updated")
    func leastPrivilege() async throws {
        try await WebhookCertificateCluster.run { world in
            let names = WebhookObjectNames(
                configuration: world.settings.webhookConfigurationName, secret: world.settings.secretName, service: world.settings.serviceName)
            let identity = try await ControllerIdentity.install(in: world.cluster, secretNames: [], webhook: names)
            let client = try KubeClient(config: identity.config)
            do {
                let time = MovableTime()
                try await world.withReplica(time: time, client: client) { replica in
                    let stream = CertificateCollector(replica)
                    let first = try await stream.next(after: 0)
                    try await eventually("the caBundle is written") { try await world.verifies(first, at: time.now) }
                    time.advance(days: 250)
                    let renewed = try await stream.next(after: 1)
                    #expect(try await world.verifies(renewed, at: time.now))
                }
                let other = try await world.cluster.client.resource(Secret.self, namespace: world.settings.namespace).create(Secret(
                    metadata: ObjectMeta(name: "\(world.cluster.id)-other", namespace: world.settings.namespace), data: ["k": Data("v".utf8)]))
                var edited = other
                edited.data = ["k": Data("changed".utf8)]
                let error = await #expect(throws: KubeAPIError.self) {
                    _ = try await client.resource(Secret.self, namespace: world.settings.namespace).update(edited)
                }
                #expect(error?.reason == .forbidden)
            } catch {
                try? await client.shutdown()
                await identity.remove(from: world.cluster)
                throw error
            }
            try? await client.shutdown()
            await identity.remove(from: world.cluster)
        }
    }

    @Test("without its MutatingWebhookConfiguration the certificate is still issued and served (the caBundle follows once it exists)")
    func missingConfiguration() async throws {
        try await WebhookCertificateCluster.run { world in
            try await world.configurations.delete(world.settings.webhookConfigurationName)
            try await world.withReplica { replica in
                let serving = try await firstCertificate(replica)
                _ = try await world.configurations.create(try UnstructuredObject(json: world.configuration()))
                try await eventually("the caBundle is written once the configuration exists") { try await world.verifies(serving, at: Date()) }
            }
        }
    }

    @Test("a damaged Secret is replaced with new material, and the printed material hides its keys")
    func damagedSecretReplaced() async throws {
        try await WebhookCertificateCluster.run { world in
            _ = try await world.cluster.client.resource(Secret.self, namespace: world.settings.namespace).create(Secret(
                metadata: ObjectMeta(name: world.settings.secretName, namespace: world.settings.namespace), type: "kubernetes.io/tls",
                data: ["tls.crt": Data("garbage".utf8), "tls.key": Data("garbage".utf8)]))
            try await world.withReplica { replica in
                let serving = try await firstCertificate(replica)
                #expect(try await world.verifies(serving, at: Date()))
                let stored = try #require(await world.secret())
                let material = try #require(WebhookTLSMaterial(secretData: stored.data))
                #expect(!"\(material)".contains("PRIVATE KEY"))
            }
        }
    }
}
