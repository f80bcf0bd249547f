// Pod injection end to end: pods created through a kubeconfig, mutated by the API server calling
// the controller's webhook (KubeSandbox, or a real cluster under REGCRED_E2E_KUBECONFIG; then
// the API server must reach the webhook at REGCRED_E2E_WEBHOOK_URL, which forwards to
// REGCRED_E2E_WEBHOOK_BIND on this machine (default: every interface, the URL's port), and the
// tests skip when the URL is not set). The test's serving certificate names the URL's host as a
// DNS name, so give a host name (e.g. host.docker.internal for kind), not an IP address.
// The ClusterPullSecrets attach to no service account (`serviceAccounts: []`), so a pull secret on
// a pod can only have come from the webhook.
import Controller
import Foundation
import KubernetesClient
import Logging
import Operations
import RegcredCore
import TestPeers
import Testing

@Suite("Pod injection end to end")
struct PodInjectionEndToEndTests {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    /// The webhook URL the API server calls; on the sandbox, the loopback address of the server.
    static var e2eWebhookURL: URL? { environment["REGCRED_E2E_WEBHOOK_URL"].flatMap { $0.isEmpty ? nil : URL(string: $0) } }
    /// Runs everywhere but on a real cluster without a reachable webhook URL.
    static var runnable: Bool { ControllerHarness.e2eKubeconfig == nil || e2eWebhookURL != nil }

    static let webhookConfigurations = Resource(
        group: "admissionregistration.k8s.io", version: "v1", plural: "mutatingwebhookconfigurations",
        kind: "MutatingWebhookConfiguration", namespaced: false)

    /// What a test works with: its harness, the webhook server's certificates and the secret name.
    struct World {
        let harness: ControllerHarness
        let secretName: String
        let certificates: AsyncStream<ServingCertificate>.Continuation

        func pod(_ name: String, in namespace: String, image: String = "ghcr.io/org/app:1", pullSecrets: [String] = []) -> Pod {
            Pod(metadata: ObjectMeta(name: name, namespace: namespace), spec: PodSpec(
                containers: [Container(name: "app", image: image)], imagePullSecrets: pullSecrets.map { LocalObjectReference(name: $0) }))
        }

        /// Creates the pod, retrying while a real API server still refuses it because the namespace's
        /// default service account does not exist yet (as a ReplicaSet controller would).
        func create(_ pod: Pod) async throws -> Pod {
            let pods = harness.client.resource(Pod.self, namespace: pod.metadata.namespace)
            let deadline = ContinuousClock.now + .seconds(20)
            while true {
                do { return try await pods.create(pod) } catch {
                    guard ContinuousClock.now < deadline, "\(error)".contains("serviceaccount") else { throw error }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }

    /// A harness, a ClusterPullSecret with injection on (ghcr.io, no service accounts), the
    /// controller, the webhook server and a MutatingWebhookConfiguration for this test's
    /// namespaces only, all around `body`.
    func withInjection(
        images: PodInjectionSpec.Images = .matching, webhookUp: Bool = true, caBundleOf extraCAs: Int = 0,
        _ body: (World, [WebhookCertificate]) async throws -> Void
    ) async throws {
        let url = Self.e2eWebhookURL
        let serverNames = url?.host.map { [$0] } ?? []
        try await TemporaryDirectory.with { directory in
            var certificates: [WebhookCertificate] = []
            for index in 0...extraCAs {
                certificates.append(try await WebhookCertificate.make(in: directory, name: "ca-\(index)", serverNames: serverNames))
            }
            try await ControllerHarness.run { harness in
                try await harness.sourceSecret(password: "s3cret")
                let name = try await harness.clusterPullSecret(
                    "inject", registries: ["ghcr.io"], serviceAccounts: [], podInjection: PodInjectionSpec(enabled: true, images: images))
                try await harness.withController { controller in
                    var logger = Logger(label: "regcred.test.webhook")
                    logger.logLevel = .warning
                    let handler = PodAdmissionHandler(caches: controller.caches, catalog: ProfileCatalog(), metrics: controller.metrics, logger: logger)
                    let (stream, feed) = AsyncStream.makeStream(of: ServingCertificate.self)
                    feed.yield(certificates[0].serving)
                    let bind = url == nil ? ListenAddress(host: "127.0.0.1", port: 0)
                        : try ListenAddress(parsing: Self.environment["REGCRED_E2E_WEBHOOK_BIND"] ?? ":\(url?.port ?? 9443)")
                    let server = WebhookServer(address: bind, handler: handler, certificates: stream, logger: logger)
                    let run = Task { try await server.run() }
                    let port = try await server.waitUntilListening()
                    await server.waitForCertificate()
                    if !webhookUp {
                        run.cancel()
                        _ = await run.result
                    }
                    let configuration = "\(harness.id)-pods"
                    let hookURL = url?.absoluteString ?? "https://127.0.0.1:\(port)\(PodAdmissionHandler.path)"
                    let caBundle = Data(certificates.map(\.caPEM).joined().utf8).base64EncodedString()
                    let configurations = harness.client.resource(Self.webhookConfigurations, as: UnstructuredObject.self, namespace: nil)
                    _ = try await configurations.create(try UnstructuredObject(json: Self.webhookConfiguration(
                        name: configuration, url: hookURL, caBundle: caBundle, namespaceLabels: ["regcred-e2e": harness.id])))
                    let world = World(harness: harness, secretName: ClusterPullSecretPolicy.defaultSecretName(for: name), certificates: feed)
                    do {
                        try await body(world, certificates)
                    } catch {
                        try? await configurations.delete(configuration)
                        run.cancel()
                        _ = await run.result
                        throw error
                    }
                    try? await configurations.delete(configuration)
                    run.cancel()
                    _ = await run.result
                }
            }
        }
    }

    /// The configuration deploy/ ships (fail open, fast, append-only), but for this test's
    /// namespaces only and with a url instead of a Service.
    static func webhookConfiguration(name: String, url: String, caBundle: String, namespaceLabels: [String: String]) -> JSONValue {
        .object([
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
            "metadata": .object(["name": .string(name)]),
            "webhooks": .array([.object([
                "name": "pods.regcred.dev",
                "clientConfig": .object(["url": .string(url), "caBundle": .string(caBundle)]),
                "rules": .array([.object([
                    "operations": .array(["CREATE"]), "apiGroups": .array([""]), "apiVersions": .array(["v1"]), "resources": .array(["pods"]),
                    "scope": "Namespaced",
                ])]),
                "namespaceSelector": .object(["matchLabels": .object(namespaceLabels.mapValues(JSONValue.string))]),
                "failurePolicy": "Ignore", "timeoutSeconds": .integer(2), "sideEffects": "None",
                "reinvocationPolicy": "IfNeeded", "matchPolicy": "Equivalent", "admissionReviewVersions": .array(["v1"]),
            ])]),
        ])
    }

    @Test("namespaces and their pods created in the same instant: every pod gets the secret, once", .enabled(if: runnable))
    func namespaceAndPodAtOnce() async throws {
        try await withInjection { world, _ in
            let pods = try await withThrowingTaskGroup(of: Pod.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        let namespace = try await world.harness.namespace("burst-\(index)")
                        return try await world.create(world.pod("app", in: namespace))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(pods.count == 6)
            for pod in pods {
                #expect(pod.spec.imagePullSecrets.map(\.name) == [world.secretName], "pod in \(pod.metadata.namespace ?? "")")
            }
        }
    }

    @Test("a pod with its own pull secrets keeps them and gets ours after them", .enabled(if: runnable))
    func ownSecretsKept() async throws {
        try await withInjection { world, _ in
            let namespace = try await world.harness.namespace("apps")
            let pod = try await world.create(world.pod("app", in: namespace, pullSecrets: ["theirs", "another"]))
            #expect(pod.spec.imagePullSecrets.map(\.name) == ["theirs", "another", world.secretName])
        }
    }

    @Test("matching: a pod whose images no ClusterPullSecret serves is left untouched", .enabled(if: runnable))
    func unservedPodUntouched() async throws {
        try await withInjection { world, _ in
            let namespace = try await world.harness.namespace("apps")
            let pod = try await world.create(world.pod("quay", in: namespace, image: "quay.io/org/app:1", pullSecrets: ["theirs"]))
            #expect(pod.spec.imagePullSecrets.map(\.name) == ["theirs"])
            let bare = try await world.create(world.pod("bare", in: namespace, image: "quay.io/org/app:1"))
            #expect(bare.spec.imagePullSecrets.isEmpty)
        }
    }

    @Test("with the webhook down (failurePolicy Ignore) pods are still admitted, unpatched", .enabled(if: runnable))
    func webhookDownFailsOpen() async throws {
        try await withInjection(webhookUp: false) { world, _ in
            let namespace = try await world.harness.namespace("apps")
            let pod = try await world.create(world.pod("app", in: namespace))
            #expect(pod.metadata.name == "app")
            #expect(pod.spec.imagePullSecrets.isEmpty)
        }
    }

    @Test("serving certificates change while pods are being created: no pod misses the secret", .enabled(if: runnable))
    func certificateChangeLosesNoPod() async throws {
        try await withInjection(caBundleOf: 1) { world, certificates in
            let namespace = try await world.harness.namespace("apps")
            let pods = try await withThrowingTaskGroup(of: [Pod].self) { group in
                for worker in 0..<3 {
                    group.addTask {
                        var created: [Pod] = []
                        for index in 0..<12 { created.append(try await world.create(world.pod("app-\(worker)-\(index)", in: namespace))) }
                        return created
                    }
                }
                group.addTask {
                    for round in 0..<8 {
                        world.certificates.yield(certificates[(round + 1) % 2].serving)
                        try await Task.sleep(for: .milliseconds(40))
                    }
                    return []
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(pods.count == 36)
            #expect(pods.filter { $0.spec.imagePullSecrets.map(\.name) != [world.secretName] }.map { $0.metadata.name ?? "" } == [])
        }
    }
}
