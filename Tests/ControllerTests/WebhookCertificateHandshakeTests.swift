// The self-managed certificate as the API server sees it: KubeSandbox, calling mutating webhooks
// as kube-apiserver does (TLS verified against the configuration's caBundle, server name
// <service>.<namespace>.svc), reaches a webhook that serves the certificate the stream yielded,
// with failurePolicy Fail, so a certificate the caBundle does not verify would refuse the pod.
// Sandbox only: a real API server cannot reach a test's loopback address.
import Controller
import Foundation
import Hummingbird
import KubeSandbox
import KubernetesClient
import Logging
import NIOCore
import NIOSSL
import RegcredCore
import TestPeers
import Testing

/// A webhook that allows every pod and labels it, so the test sees that it was called.
struct LabellingWebhook: HTTPResponder {
    typealias Context = BasicRequestContext

    func respond(to request: Request, context: Context) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 4 << 20)
        let review = (try? JSONValue(parsing: Data(bytes.readableBytesView))) ?? .null
        let patch = JSONValue.array([.object(["op": "add", "path": "/metadata/labels", "value": .object(["webhook": "called"])])])
        let body = JSONValue.object([
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "response": .object([
                "uid": review["request"]?["uid"] ?? .null, "allowed": .bool(true), "patchType": "JSONPatch",
                "patch": .string(patch.encoded().base64EncodedString()),
            ]),
        ])
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.encoded())))
    }
}

@Suite("Self-managed webhook certificate, called by the API server", .enabled(if: ControllerHarness.e2eKubeconfig == nil, "a real API server cannot reach the test's loopback webhook"))
struct WebhookCertificateHandshakeTests {
    @Test("the API server verifies the served certificate against the caBundle the controller wrote, and the webhook patches the pod")
    func apiServerTrustsTheCertificate() async throws {
        let namespace = "certs-\(UUID().uuidString.prefix(6).lowercased())"
        let settings = WebhookCertificateSettings(namespace: namespace, recheckInterval: .milliseconds(50))
        let port = try FreePort.pick()
        var options = KubeSandbox.Options()
        options.webhookServices = [KubeSandbox.WebhookService(namespace: namespace, name: settings.serviceName): "127.0.0.1:\(port)"]
        let sandbox = try await KubeSandbox.start(options)
        let config = try KubeconfigLoader(environment: [:]).resolve(try Kubeconfig.parse(sandbox.kubeconfigYAML(), path: "sandbox"))
        let client = try KubeClient(config: config)
        var logger = Logger(label: "regcred.test.webhook-handshake")
        logger.logLevel = .warning
        let replica = SelfManagedWebhookCertificates(client: client, settings: settings, logger: logger)
        let running = Task { try await replica.run() }
        var server: LoopbackHTTPServer?
        do {
            for name in [namespace, "apps"] {
                _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: name)))
            }
            let configurations = client.resource(WebhookCABundlePatch.resource, as: UnstructuredObject.self, namespace: nil)
            _ = try await configurations.create(try UnstructuredObject(json: .object([
                "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
                "metadata": .object(["name": .string(settings.webhookConfigurationName)]),
                "webhooks": .array([.object([
                    "name": "pods.regcred.dev", "failurePolicy": "Fail", "sideEffects": "None", "timeoutSeconds": .integer(5),
                    "admissionReviewVersions": .array(["v1"]),
                    "clientConfig": .object(["service": .object([
                        "name": .string(settings.serviceName), "namespace": .string(namespace), "path": "/mutate-pods",
                    ])]),
                    "rules": .array([.object([
                        "apiGroups": .array([""]), "apiVersions": .array(["v1"]), "operations": .array(["CREATE"]), "resources": .array(["pods"]),
                    ])]),
                ])]),
            ])))
            let serving = try await CertificateCollector(replica).next(after: 0)
            try await eventually("the caBundle is written") {
                let bundle = try await configurations.get(settings.webhookConfigurationName)["webhooks"]?.arrayValue?.first?["clientConfig"]?["caBundle"]
                return bundle != nil
            }
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(serving.certificateChainPEM.utf8)).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(serving.privateKeyPEM.utf8), format: .pem)))
            server = try await LoopbackHTTPServer.start("webhook", responder: LabellingWebhook(), tls: tls, port: port)
            let pod = try await client.resource(Pod.self, namespace: "apps").create(try Pod(json: .object([
                "metadata": .object(["name": "web"]),
                "spec": .object(["containers": .array([.object(["name": "app", "image": "ghcr.io/org/app:1"])])]),
            ])))
            #expect(pod.metadata.labels["webhook"] == "called")
        } catch {
            await server?.stop()
            running.cancel()
            _ = await running.result
            try? await client.shutdown()
            try? await sandbox.stop()
            throw error
        }
        await server?.stop()
        running.cancel()
        _ = await running.result
        try? await client.shutdown()
        try? await sandbox.stop()
    }
}
