// `regcred controller --webhook-bind-address … --webhook-cert-dir …` as a user runs it: the built
// binary against KubeSandbox, which calls its webhook when kubectl creates a pod. Only on the
// sandbox: a real API server could not reach a webhook on this machine's loopback.
import Foundation
import KubeSandbox
import RegcredCore
import TestPeers
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite(
    "regcred controller with the pod webhook", .serialized,
    .enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/kubectl") && CLICluster.e2eKubeconfig == nil, "kubectl; the sandbox calls the webhook"))
struct ControllerWebhookTests {
    @Test("ready once its certificate is loaded; kubectl's pod gets the pull secret from the webhook; SIGTERM ends it cleanly")
    func webhookThroughTheBinary() async throws {
        try await CLICluster.run { cluster in
            let authority = try await TestCertificateAuthority.make(in: cluster.directory.file("ca"), home: cluster.directory.url)
            let certificates = try cluster.directory.makeDirectory("webhook-certs")
            try FileManager.default.copyItem(at: authority.serverCertificate, to: certificates.appending(path: "tls.crt"))
            try FileManager.default.copyItem(at: authority.serverKey, to: certificates.appending(path: "tls.key"))
            let apps = "\(cluster.namespace)-apps"
            let selector = ["regcred-cli": cluster.namespace]
            try await create(cluster, Self.sourceAndClusterPullSecret(sourceNamespace: cluster.namespace, cluster: cluster, selector: selector))

            let probePort = try FreePort.pick()
            let webhookPort = try FreePort.pick()
            let controller = try await ControllerProcess.start(in: cluster, probePort: probePort, arguments: [
                "controller", "--kubeconfig", cluster.kubeconfig, "--controller-namespace", cluster.namespace,
                "-l", "regcred-cli=\(cluster.namespace)",
                "--metrics-bind-address", "127.0.0.1:\(probePort)", "--health-probe-bind-address", "127.0.0.1:\(probePort)",
                "--webhook-bind-address", "127.0.0.1:\(webhookPort)", "--webhook-cert-dir", certificates.path,
            ])
            defer { controller.stop() }

            let caBundle = try Data(contentsOf: authority.caCertificate).base64EncodedString()
            try await create(cluster, [
                .object([
                    "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
                    "metadata": .object(["name": .string(cluster.namespace)]),
                    "webhooks": .array([.object([
                        "name": "pods.regcred.dev",
                        "clientConfig": .object(["url": .string("https://127.0.0.1:\(webhookPort)/mutate-pods"), "caBundle": .string(caBundle)]),
                        "rules": .array([.object([
                            "operations": .array(["CREATE"]), "apiGroups": .array([""]), "apiVersions": .array(["v1"]), "resources": .array(["pods"]),
                        ])]),
                        "namespaceSelector": .object(["matchLabels": .object(selector.mapValues(JSONValue.string))]),
                        "failurePolicy": "Ignore", "timeoutSeconds": .integer(2), "sideEffects": "None",
                        "admissionReviewVersions": .array(["v1"]),
                    ])]),
                ]),
                .object(["apiVersion": "v1", "kind": "Namespace", "metadata": .object(["name": .string(apps), "labels": .object(selector.mapValues(JSONValue.string))])]),
                .object([
                    "apiVersion": "v1", "kind": "Pod", "metadata": .object(["name": "web", "namespace": .string(apps)]),
                    "spec": .object(["containers": .array([.object(["name": "app", "image": "ghcr.io/org/app:1"])])]),
                ]),
            ])
            let pod = try await cluster.kubectl(["get", "pod", "web", "-n", apps, "-o", "jsonpath={.spec.imagePullSecrets[*].name}"])
            #expect(pod.status == 0, "\(pod.summary)")
            #expect(pod.standardOutput == "regcred-\(cluster.namespace)")

            let metrics = try await fetch("http://127.0.0.1:\(probePort)/metrics")
            #expect(metrics.contains(#"regcred_webhook_admissions_total{result="patched"} 1"#))

            #expect(controller.terminate() == 0, "log: \(controller.logText)")
            _ = try? await cluster.kubectl(["delete", "mutatingwebhookconfiguration", cluster.namespace, "--wait=false"])
            _ = try? await cluster.kubectl(["delete", "namespace", apps, "--wait=false"])
        }
    }

    @Test("without --webhook-cert-dir the controller keeps its own CA: the caBundle is filled in and the API server's call through the Service is trusted")
    func selfManagedCertificate() async throws {
        let system = "cli-sys-\(UUID().uuidString.prefix(6).lowercased())"
        let webhookPort = try FreePort.pick()
        let service = KubeSandbox.WebhookService(namespace: system, name: "regcred-webhook", port: 443)
        try await CLICluster.run(configure: { $0.webhookServices[service] = "127.0.0.1:\(webhookPort)" }) { cluster in
            let apps = "\(cluster.namespace)-apps"
            let configuration = "regcred-\(cluster.namespace)"
            let selector = ["regcred-cli": cluster.namespace]
            try await create(cluster, [
                .object(["apiVersion": "v1", "kind": "Namespace", "metadata": .object(["name": .string(system)])]),
            ] + Self.sourceAndClusterPullSecret(sourceNamespace: system, cluster: cluster, selector: selector) + [
                // As deploy/regcred-webhook.yaml has it: a Service reference and no caBundle yet.
                .object([
                    "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
                    "metadata": .object(["name": .string(configuration)]),
                    "webhooks": .array([.object([
                        "name": "pods.regcred.dev",
                        "clientConfig": .object(["service": .object([
                            "namespace": .string(system), "name": "regcred-webhook", "port": .integer(443), "path": "/mutate-pods",
                        ])]),
                        "rules": .array([.object([
                            "operations": .array(["CREATE"]), "apiGroups": .array([""]), "apiVersions": .array(["v1"]), "resources": .array(["pods"]),
                        ])]),
                        "namespaceSelector": .object(["matchLabels": .object(selector.mapValues(JSONValue.string))]),
                        "failurePolicy": "Ignore", "timeoutSeconds": .integer(2), "sideEffects": "None",
                        "admissionReviewVersions": .array(["v1"]),
                    ])]),
                ]),
            ])

            let probePort = try FreePort.pick()
            let controller = try await ControllerProcess.start(in: cluster, probePort: probePort, arguments: [
                "controller", "--kubeconfig", cluster.kubeconfig, "--controller-namespace", system, "-l", "regcred-cli=\(cluster.namespace)",
                "--metrics-bind-address", "127.0.0.1:\(probePort)", "--health-probe-bind-address", "127.0.0.1:\(probePort)",
                "--webhook-bind-address", "127.0.0.1:\(webhookPort)", "--webhook-configuration-name", configuration,
            ])
            defer { controller.stop() }
            try await eventually("the caBundle is filled in") {
                let bundle = try await cluster.kubectl(["get", "mutatingwebhookconfiguration", configuration, "-o", "jsonpath={.webhooks[0].clientConfig.caBundle}"])
                return bundle.status == 0 && !bundle.standardOutput.isEmpty
            }
            try await create(cluster, [
                .object(["apiVersion": "v1", "kind": "Namespace", "metadata": .object(["name": .string(apps), "labels": .object(selector.mapValues(JSONValue.string))])]),
                .object([
                    "apiVersion": "v1", "kind": "Pod", "metadata": .object(["name": "web", "namespace": .string(apps)]),
                    "spec": .object(["containers": .array([.object(["name": "app", "image": "ghcr.io/org/app:1"])])]),
                ]),
            ])
            let pod = try await cluster.kubectl(["get", "pod", "web", "-n", apps, "-o", "jsonpath={.spec.imagePullSecrets[*].name}"])
            #expect(pod.standardOutput == "regcred-\(cluster.namespace)", "log: \(controller.logText)")

            #expect(controller.terminate() == 0, "log: \(controller.logText)")
            for (kind, name) in [("mutatingwebhookconfiguration", configuration), ("namespace", apps), ("namespace", system)] {
                _ = try? await cluster.kubectl(["delete", kind, name, "--wait=false"])
            }
        }
    }

    /// The source secret and a ClusterPullSecret with pod injection on, selecting the namespaces labelled `selector`.
    static func sourceAndClusterPullSecret(sourceNamespace: String, cluster: CLICluster, selector: [String: String]) -> [JSONValue] {
        let labels = JSONValue.object(selector.mapValues(JSONValue.string))
        return [
            .object([
                "apiVersion": "v1", "kind": "Secret",
                "metadata": .object(["name": "registry-token", "namespace": .string(sourceNamespace)]),
                "stringData": .object(["username": "robot", "password": "s3cret"]),
            ]),
            .object([
                "apiVersion": "regcred.dev/v1alpha1", "kind": "ClusterPullSecret",
                "metadata": .object(["name": .string(cluster.namespace), "labels": labels]),
                "spec": .object([
                    "registries": .array(["ghcr.io"]), "source": .object(["static": .object(["secretRef": .object(["name": "registry-token"])])]),
                    "namespaces": .object(["selector": .object(["matchLabels": labels])]),
                    "serviceAccounts": .array([]), "podInjection": .object(["enabled": .bool(true)]),
                ]),
            ]),
        ]
    }

    func create(_ cluster: CLICluster, _ objects: [JSONValue]) async throws {
        let file = try cluster.directory.write(JSONValue.object(["apiVersion": "v1", "kind": "List", "items": .array(objects)]).encodedString(), to: "objects-\(UUID().uuidString).json")
        // create, not apply: the sandbox serves no OpenAPI document for kubectl's validation or apply's merge.
        let applied = try await cluster.kubectl(["create", "-f", file, "--validate=false"])
        #expect(applied.status == 0, "\(applied.summary)")
    }

    func fetch(_ url: String) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url)!)
        return String(decoding: data, as: UTF8.self)
    }
}

/// `regcred controller` as its own process, its output in a log file in the cluster's directory,
/// started and waited for until its /readyz answers 200 (informers synced, certificate loaded).
struct ControllerProcess {
    let process: Process
    let log: URL
    private let handle: FileHandle

    var logText: String { String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self) }

    static func start(in cluster: CLICluster, probePort: Int, arguments: [String]) async throws -> ControllerProcess {
        let process = Process()
        process.executableURL = cluster.regcred.executable
        process.arguments = arguments
        process.environment = ChildProcess.cleanEnvironment(home: cluster.regcred.home)
        let log = cluster.directory.file("controller.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let controller = ControllerProcess(process: process, log: log, handle: handle)
        let deadline = ContinuousClock.now + .seconds(60)
        var ready = false
        while !ready, ContinuousClock.now < deadline, process.isRunning {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(probePort)/readyz")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                ready = true
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(ready, "readyz never answered 200; log: \(controller.logText)")
        return controller
    }

    /// SIGTERM, then its exit status (0: a graceful stop).
    func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        try? handle.close()
        return process.terminationStatus
    }

    /// For `defer`: stops it if it still runs.
    func stop() {
        if process.isRunning { process.terminate() }
        try? handle.close()
    }
}
