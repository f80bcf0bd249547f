// The pod webhook over real HTTPS on 127.0.0.1, fed by a running controller's caches: what it
// answers, how it treats what it cannot read, how certificates come and change, and its metrics.
import AsyncHTTPClient
import Controller
import Foundation
import KubernetesClient
import Logging
import NIOCore
import Operations
import RegcredCore
import TestPeers
import ServiceLifecycle
import Testing

@Suite("Pod webhook server")
struct PodWebhookServerTests {
    static let injection = PodInjectionSpec(enabled: true)

    /// A harness with one selected namespace and one ClusterPullSecret for ghcr.io with
    /// injection on; the controller and the webhook run around `body`.
    func withWebhook(
        podInjection: PodInjectionSpec = injection,
        _ body: (_ harness: ControllerHarness, _ namespace: String, _ secretName: String, _ client: HTTPClient, _ port: Int, _ metrics: ControllerMetrics) async throws -> Void
    ) async throws {
        try await TemporaryDirectory.with { directory in
            let certificate = try await WebhookCertificate.make(in: directory, name: "ca")
            try await ControllerHarness.run { harness in
                try await harness.sourceSecret(password: "s3cret")
                let namespace = try await harness.namespace("apps")
                let name = try await harness.clusterPullSecret("web", registries: ["ghcr.io"], podInjection: podInjection)
                try await harness.withController { controller in
                    let handler = PodAdmissionHandler(caches: controller.caches, catalog: ProfileCatalog(), metrics: controller.metrics, logger: Logger(label: "test"))
                    let (stream, feed) = AsyncStream.makeStream(of: ServingCertificate.self)
                    feed.yield(certificate.serving)
                    let client = try webhookClient(trusting: [certificate.caPEM])
                    try await withClients([client]) {
                        try await withWebhookServer(handler: handler, certificates: stream) { _, port in
                            try await body(harness, namespace, ClusterPullSecretPolicy.defaultSecretName(for: name), client, port, controller.metrics)
                        }
                    }
                }
            }
        }
    }

    func samples(_ metrics: ControllerMetrics) -> Set<String> {
        Set(metrics.exposition().split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") })
    }

    @Test("a pod in a selected namespace with an image the registries serve gets the secret; the answer echoes the uid")
    func patchesAServedPod() async throws {
        try await withWebhook { _, namespace, secretName, client, port, metrics in
            let reply = try await postReview(client, port: port, body: podReview(uid: "uid-1", namespace: namespace, images: ["ghcr.io/org/app:1"]))
            #expect(reply.status == 200)
            #expect(reply.json?["apiVersion"] == "admission.k8s.io/v1")
            #expect(reply.json?["kind"] == "AdmissionReview")
            #expect(reply.json?["response"]?["uid"] == "uid-1")
            #expect(reply.json?["response"]?["allowed"] == .bool(true))
            #expect(reply.json?["response"]?["patchType"] == "JSONPatch")
            #expect(reply.patch == .array([.object([
                "op": "add", "path": "/spec/imagePullSecrets", "value": .array([.object(["name": .string(secretName)])]),
            ])]))
            #expect(samples(metrics).contains(#"regcred_webhook_admissions_total{result="patched"} 1"#))
            #expect(samples(metrics).contains("regcred_webhook_admission_duration_seconds_count 1"))
        }
    }

    @Test("a pod with its own pull secrets gets ours appended after them")
    func appendsToOwnSecrets() async throws {
        try await withWebhook { _, namespace, secretName, client, port, _ in
            let reply = try await postReview(client, port: port, body: podReview(namespace: namespace, images: ["ghcr.io/org/app"], pullSecrets: ["theirs"]))
            #expect(reply.patch == .array([.object(["op": "add", "path": "/spec/imagePullSecrets/-", "value": .object(["name": .string(secretName)])])]))
            let again = try await postReview(client, port: port, body: podReview(namespace: namespace, images: ["ghcr.io/org/app"], pullSecrets: ["theirs", secretName]))
            #expect(again.status == 200)
            #expect(again.json?["response"]?["patch"] == nil)
        }
    }

    @Test("matching: a pod whose images no ClusterPullSecret serves is allowed unpatched")
    func unservedPodUnpatched() async throws {
        try await withWebhook { _, namespace, _, client, port, metrics in
            let reply = try await postReview(client, port: port, body: podReview(namespace: namespace, images: ["quay.io/org/app", "nginx"]))
            #expect(reply.status == 200)
            #expect(reply.json?["response"]?["allowed"] == .bool(true))
            #expect(reply.json?["response"]?["patch"] == nil)
            #expect(reply.json?["response"]?["patchType"] == nil)
            #expect(samples(metrics).contains(#"regcred_webhook_admissions_total{result="unchanged"} 1"#))
        }
    }

    @Test("all: every pod of a selected namespace gets the secret")
    func allModePatchesAnyPod() async throws {
        try await withWebhook(podInjection: PodInjectionSpec(enabled: true, images: .all)) { _, namespace, secretName, client, port, _ in
            let reply = try await postReview(client, port: port, body: podReview(namespace: namespace, images: ["quay.io/org/app"]))
            #expect(reply.patch?.arrayValue?.first?["value"] == .array([.object(["name": .string(secretName)])]))
        }
    }

    @Test("injection off, the opt-out annotation and an unselected namespace leave pods alone")
    func leavesPodsAlone() async throws {
        try await withWebhook(podInjection: PodInjectionSpec(enabled: false)) { harness, namespace, _, client, port, _ in
            let off = try await postReview(client, port: port, body: podReview(namespace: namespace, images: ["ghcr.io/org/app"]))
            #expect(off.json?["response"]?["patch"] == nil)
        }
        try await withWebhook { harness, namespace, _, client, port, _ in
            let optedOut = try await postReview(
                client, port: port, body: podReview(namespace: namespace, images: ["ghcr.io/org/app"], annotations: ["regcred.dev/inject": "false"]))
            #expect(optedOut.json?["response"]?["patch"] == nil)
            let other = try await harness.namespace("other", selected: false)
            let unselected = try await postReview(client, port: port, body: podReview(namespace: other, images: ["ghcr.io/org/app"]))
            #expect(unselected.status == 200)
            #expect(unselected.json?["response"]?["patch"] == nil)
        }
    }

    @Test("a namespace created an instant before its pod is waited for, and the pod gets the secret")
    func namespaceCreatedWithThePod() async throws {
        try await withWebhook { harness, _, secretName, client, port, _ in
            for index in 0..<5 {
                let namespace = try await harness.namespace("burst-\(index)")
                let reply = try await postReview(client, port: port, body: podReview(namespace: namespace, images: ["ghcr.io/org/app"]))
                #expect(reply.patch?.arrayValue?.first?["value"] == .array([.object(["name": .string(secretName)])]), "namespace \(namespace)")
            }
        }
    }

    @Test("a dry-run request is answered like any other")
    func dryRunAnswered() async throws {
        try await withWebhook { _, namespace, secretName, client, port, _ in
            let reply = try await postReview(client, port: port, body: podReview(uid: "dry", namespace: namespace, images: ["ghcr.io/org/app"], dryRun: true))
            #expect(reply.json?["response"]?["uid"] == "dry")
            #expect(reply.patch?.arrayValue?.first?["value"] == .array([.object(["name": .string(secretName)])]))
        }
    }

    @Test("a body that is no AdmissionReview is a 400 counted as an error; other paths and methods are refused")
    func refusesWhatItCannotRead() async throws {
        try await withWebhook { _, _, _, client, port, metrics in
            let malformed = try await postReview(client, port: port, body: Data("{\"kind\":\"Pod\"}".utf8))
            #expect(malformed.status == 400)
            #expect(String(decoding: malformed.body, as: UTF8.self).contains("AdmissionReview"))
            #expect(samples(metrics).contains(#"regcred_webhook_admissions_total{result="error"} 1"#))
            #expect(try await postReview(client, port: port, body: Data(), method: .GET).status == 405)
            #expect(try await postReview(client, port: port, body: Data("{}".utf8), path: "/validate").status == 404)
        }
    }

    @Test("graceful shutdown answers the review being read, then stops accepting")
    func gracefulShutdownAnswersInFlight() async throws {
        try await TemporaryDirectory.with { directory in
            let certificate = try await WebhookCertificate.make(in: directory, name: "ca")
            try await ControllerHarness.run { harness in
                _ = try await harness.clusterPullSecret("web", podInjection: Self.injection)
                try await harness.withController { controller in
                    var logger = Logger(label: "regcred.test.webhook")
                    logger.logLevel = .critical
                    let handler = PodAdmissionHandler(caches: controller.caches, catalog: ProfileCatalog(), metrics: controller.metrics, logger: logger)
                    let (stream, feed) = AsyncStream.makeStream(of: ServingCertificate.self)
                    feed.yield(certificate.serving)
                    let server = WebhookServer(address: ListenAddress(host: "127.0.0.1", port: 0), handler: handler, certificates: stream, logger: logger)
                    let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
                    let run = Task { try await group.run() }
                    let port = try await server.waitUntilListening()
                    await server.waitForCertificate()
                    let client = try webhookClient(trusting: [certificate.caPEM])
                    try await withClients([client]) {
                        // A namespace the cache never shows: the handler waits for it (1 s), so
                        // the review is still being answered when the shutdown begins.
                        let slow = Task {
                            try await postReview(client, port: port, body: podReview(uid: "slow", namespace: "\(harness.id)-nowhere", images: ["ghcr.io/org/app"]))
                        }
                        try await Task.sleep(for: .milliseconds(300))
                        await group.triggerGracefulShutdown()
                        let reply = try await slow.value
                        #expect(reply.status == 200)
                        #expect(reply.json?["response"]?["uid"] == "slow")
                        #expect(reply.json?["response"]?["allowed"] == .bool(true))
                        try await run.value
                        await #expect(throws: (any Error).self) {
                            _ = try await postReview(client, port: port, body: podReview(namespace: "x", images: ["nginx"]), fresh: true, timeout: .seconds(1))
                        }
                    }
                }
            }
        }
    }

    @Test("without a certificate no TLS connection succeeds; the first one that arrives is served")
    func noCertificateNoService() async throws {
        try await TemporaryDirectory.with { directory in
            let certificate = try await WebhookCertificate.make(in: directory, name: "ca")
            // Caches that never sync: their informers are not run.
            let kube = try KubeClient(config: ClientConfig(server: "https://127.0.0.1:1"))
            let handler = PodAdmissionHandler(
                caches: ClusterCaches(client: kube, controllerNamespace: "x"), catalog: ProfileCatalog(), metrics: ControllerMetrics(),
                logger: Logger(label: "test"))
            let (stream, feed) = AsyncStream.makeStream(of: ServingCertificate.self)
            let client = try webhookClient(trusting: [certificate.caPEM])
            try await withClients([client], alsoShutDown: { try? await kube.shutdown() }) {
            try await withWebhookServer(handler: handler, certificates: stream, waitForCertificate: false) { server, port in
                #expect(!server.hasCertificate)
                #expect(Readiness.controller(cachesSynced: true, webhookHasCertificate: server.hasCertificate) == .notReady("the pod webhook has no serving certificate yet"))
                await #expect(throws: (any Error).self) {
                    _ = try await postReview(client, port: port, body: podReview(namespace: "x", images: ["nginx"]), fresh: true, timeout: .seconds(1))
                }
                feed.yield(certificate.serving)
                await server.waitForCertificate()
                #expect(Readiness.controller(cachesSynced: true, webhookHasCertificate: server.hasCertificate) == .ready)
                // The caches are not synced (no API server): allowed, unpatched.
                let reply = try await postReview(client, port: port, body: podReview(namespace: "x", images: ["nginx"]), fresh: true)
                #expect(reply.status == 200)
                #expect(reply.json?["response"]?["allowed"] == .bool(true))
            }
            }
        }
    }

    @Test("certificates change while reviews arrive: none fails, and new connections get the new certificate")
    func certificateChangeLosesNothing() async throws {
        try await TemporaryDirectory.with { directory in
            let first = try await WebhookCertificate.make(in: directory, name: "first")
            let second = try await WebhookCertificate.make(in: directory, name: "second")
            try await ControllerHarness.run { harness in
                let namespace = try await harness.namespace("apps")
                _ = try await harness.clusterPullSecret("web", podInjection: Self.injection)
                try await harness.withController { controller in
                    let handler = PodAdmissionHandler(caches: controller.caches, catalog: ProfileCatalog(), metrics: controller.metrics, logger: Logger(label: "test"))
                    let (stream, feed) = AsyncStream.makeStream(of: ServingCertificate.self)
                    feed.yield(first.serving)
                    let both = try webhookClient(trusting: [first.caPEM, second.caPEM])
                    let onlySecond = try webhookClient(trusting: [second.caPEM])
                    try await withClients([both, onlySecond]) {
                    try await withWebhookServer(handler: handler, certificates: stream) { server, port in
                        await #expect(throws: (any Error).self) {
                            _ = try await postReview(onlySecond, port: port, body: podReview(namespace: namespace, images: ["nginx"]), fresh: true, timeout: .seconds(1))
                        }
                        // Reviews on fresh connections and on kept-alive ones, while the
                        // certificate changes back and forth.
                        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                            for worker in 0..<4 {
                                group.addTask {
                                    var statuses: [Int] = []
                                    for _ in 0..<40 {
                                        let reply = try await postReview(
                                            both, port: port, body: podReview(namespace: namespace, images: ["ghcr.io/org/app"]), fresh: worker % 2 == 0)
                                        statuses.append(reply.patch == nil ? -reply.status : reply.status)
                                    }
                                    return statuses
                                }
                            }
                            group.addTask {
                                for round in 0..<10 {
                                    feed.yield(round % 2 == 0 ? second.serving : first.serving)
                                    try await Task.sleep(for: .milliseconds(20))
                                }
                                feed.yield(second.serving)
                                return []
                            }
                            return try await group.reduce(into: []) { $0 += $1 }
                        }
                        #expect(statuses.count == 160)
                        #expect(statuses.allSatisfy { $0 == 200 }, "every review answered with a patch")
                        try await eventually("the last certificate is served") {
                            try await postReview(onlySecond, port: port, body: podReview(namespace: namespace, images: ["nginx"]), fresh: true).status == 200
                        }
                        #expect(server.hasCertificate)
                    }
                    }
                }
            }
        }
    }
}

@Suite("Pod webhook metrics")
struct PodWebhookMetricsTests {
    func samples(_ metrics: ControllerMetrics) -> Set<String> {
        Set(metrics.exposition().split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") })
    }

    @Test("admissions are counted by result, every series from zero, with a latency histogram from 0.5 ms")
    func admissionSeries() {
        let metrics = ControllerMetrics()
        metrics.prepareAdmissionSeries()
        #expect(samples(metrics).isSuperset(of: [
            #"regcred_webhook_admissions_total{result="patched"} 0"#, #"regcred_webhook_admissions_total{result="unchanged"} 0"#,
            #"regcred_webhook_admissions_total{result="error"} 0"#, "regcred_webhook_admission_duration_seconds_count 0",
        ]))
        metrics.recordAdmission(.patched, duration: .microseconds(300))
        metrics.recordAdmission(.patched, duration: .milliseconds(3))
        metrics.recordAdmission(.error, duration: .milliseconds(1))
        let lines = samples(metrics)
        #expect(lines.contains(#"regcred_webhook_admissions_total{result="patched"} 2"#))
        #expect(lines.contains(#"regcred_webhook_admissions_total{result="error"} 1"#))
        #expect(lines.contains(#"regcred_webhook_admission_duration_seconds_bucket{le="0.0005"} 1"#))
        #expect(lines.contains(#"regcred_webhook_admission_duration_seconds_bucket{le="0.005"} 3"#))
        #expect(lines.contains("regcred_webhook_admission_duration_seconds_count 3"))
    }

    @Test("readiness waits for the caches, then for a certificate when the webhook is on")
    func readiness() {
        #expect(Readiness.controller(cachesSynced: false, webhookHasCertificate: true) == .notReady("informers not synced"))
        #expect(Readiness.controller(cachesSynced: true, webhookHasCertificate: false) == .notReady("the pod webhook has no serving certificate yet"))
        #expect(Readiness.controller(cachesSynced: true, webhookHasCertificate: true) == .ready)
        #expect(Readiness.controller(cachesSynced: true, webhookHasCertificate: nil) == .ready)
    }
}

@Suite("CertificateDirectory")
struct CertificateDirectoryTests {
    @Test("reads tls.crt and tls.key, with the certificate's expiry")
    func readsThePair() async throws {
        try await TemporaryDirectory.with { directory in
            let certificate = try await WebhookCertificate.make(in: directory, name: "ca")
            let served = directory.file("served")
            try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
            try Data(certificate.serving.certificateChainPEM.utf8).write(to: served.appending(path: "tls.crt"))
            try Data(certificate.serving.privateKeyPEM.utf8).write(to: served.appending(path: "tls.key"))
            let read = try #require(try CertificateDirectory(directory: served).read())
            #expect(read.certificateChainPEM == certificate.serving.certificateChainPEM)
            #expect(read.privateKeyPEM == certificate.serving.privateKeyPEM)
            // openssl -days 2: the expiry is within a minute of two days from now.
            #expect(abs(read.notAfter.timeIntervalSinceNow - 2 * 86_400) < 120)
        }
    }

    @Test("a missing file is an error naming the file and what the directory must hold")
    func missingFile() async throws {
        try await TemporaryDirectory.with { directory in
            #expect(throws: ServingCertificateError.missingFile(directory.path("tls.crt"))) {
                try CertificateDirectory(directory: directory.url).read()
            }
            #expect(ServingCertificateError.missingFile("/x/tls.crt").description.contains("tls.crt and tls.key"))
        }
    }

    @Test("the stream hands on the certificate, then each replacement, and skips a pair that cannot be served")
    func followsChanges() async throws {
        try await TemporaryDirectory.with { directory in
            let first = try await WebhookCertificate.make(in: directory, name: "first")
            let second = try await WebhookCertificate.make(in: directory, name: "second")
            // As the kubelet updates a Secret volume: the files of a new version in a new
            // directory, then one atomic rename of the link the reader goes through.
            let served = directory.file("served")
            var generation = 0
            func install(_ certificate: ServingCertificate, key: String? = nil) throws {
                generation += 1
                let version = directory.file("version-\(generation)")
                try FileManager.default.createDirectory(at: version, withIntermediateDirectories: true)
                try Data((key ?? certificate.privateKeyPEM).utf8).write(to: version.appending(path: "tls.key"))
                try Data(certificate.certificateChainPEM.utf8).write(to: version.appending(path: "tls.crt"))
                let link = directory.file("served.new")
                try FileManager.default.createSymbolicLink(at: link, withDestinationURL: version)
                guard rename(link.path, served.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
            }
            try install(first.serving)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let stream = CertificateDirectory(directory: served, interval: .milliseconds(20)).certificates(logger: logger)
            var iterator = stream.makeAsyncIterator()
            #expect(await iterator.next()?.certificateChainPEM == first.serving.certificateChainPEM)
            try install(second.serving, key: "not a key")
            try await Task.sleep(for: .milliseconds(100))
            try install(second.serving)
            let next = await iterator.next()
            #expect(next?.certificateChainPEM == second.serving.certificateChainPEM)
            #expect(next?.privateKeyPEM == second.serving.privateKeyPEM)
        }
    }
}
