// Every replica answers pod admissions, leader or not: the webhook reads the informer caches,
// which run on every replica, while only the leader's workers write.
import Controller
import Foundation
import KubernetesClient
import Logging
import Operations
import RegcredCore
import TestPeers
import Testing

@Suite("Pod webhook on every replica", .serialized)
struct PodWebhookReplicaTests {
    @Test("the replica that does not lead answers admissions from its caches like the leader")
    func followerAnswers() async throws {
        try await TemporaryDirectory.with { directory in
            let certificate = try await WebhookCertificate.make(in: directory, name: "ca")
            try await ControllerHarness.run { cluster in
                try await cluster.sourceSecret(password: "s3cret")
                let apps = try await cluster.namespace("apps")
                let name = try await cluster.clusterPullSecret("replicas", podInjection: PodInjectionSpec(enabled: true))
                var logger = Logger(label: "regcred.test.replicas")
                logger.logLevel = .error
                let replicas = ["replica-a", "replica-b"].map { cluster.replica($0, workers: 1) }
                let client = try webhookClient(trusting: [certificate.caPEM])
                try await withClients([client]) {
                    try await eventually("one replica leads") {
                        let a = await replicas[0].elector.isLeader
                        let b = await replicas[1].elector.isLeader
                        return a != b
                    }
                    for replica in replicas {
                        await replica.controller.caches.waitUntilSynced()
                        let handler = PodAdmissionHandler(caches: replica.controller.caches, catalog: ProfileCatalog(), metrics: replica.controller.metrics, logger: logger)
                        let (stream, feed) = AsyncStream.makeStream(of: ServingCertificate.self)
                        feed.yield(certificate.serving)
                        let leads = await replica.elector.isLeader
                        try await withWebhookServer(handler: handler, certificates: stream) { _, port in
                            let reply = try await postReview(client, port: port, body: podReview(namespace: apps, images: ["ghcr.io/org/app"]))
                            #expect(
                                reply.patch?.arrayValue?.first?["value"] == .array([.object(["name": .string(ClusterPullSecretPolicy.defaultSecretName(for: name))])]),
                                "the \(leads ? "leader" : "follower") patches")
                        }
                    }
                }
                for replica in replicas {
                    replica.task.cancel()
                    _ = try? await replica.task.value
                }
            }
        }
    }
}
