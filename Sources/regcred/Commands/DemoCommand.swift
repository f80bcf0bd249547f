// `regcred demo`: the controller's job end to end with no cluster: an in-process KubeSandbox,
// a few namespaces, one ClusterPullSecret, a namespace created while it runs, a token rotation.
import ArgumentParser
import Controller
import Foundation
import KubeSandbox
import KubernetesClient
import Logging
import Operations
import RegcredCore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the controller against an in-process Kubernetes API emulator and show what it does.")

    @Flag(name: .long, help: "Keep the emulator running afterwards and print a kubeconfig for kubectl (Ctrl-C to stop).")
    var keep = false

    func run() async throws {
        var logger = Logger(label: "regcred.demo")
        logger.logLevel = .error
        let sandbox = try await KubeSandbox.start()
        let kubeconfigPath = FileManager.default.temporaryDirectory.appendingPathComponent("regcred-demo-\(getpid()).kubeconfig").path
        try sandbox.writeKubeconfig(to: kubeconfigPath)
        Terminal.write("KubeSandbox (an in-memory Kubernetes API server) listening at \(sandbox.url)\n")
        defer { try? FileManager.default.removeItem(atPath: kubeconfigPath) }
        var config = try KubeconfigLoader(explicitPath: kubeconfigPath, environment: [:]).clientConfig()
        config.qps = 50  // the controller's default (--kube-api-qps)
        config.burst = 100
        try await KubeClient.with(config: config, logger: logger) { client in
            try await Self.scenario(client: client, logger: logger)
        }
        if keep {
            Terminal.write("\nkubectl --kubeconfig \(kubeconfigPath) get secrets -A   # Ctrl-C to stop\n")
            while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
        }
        try await sandbox.stop()
    }

    static func step(_ text: String) { Terminal.write("\n== \(text)\n") }

    static func scenario(client: KubeClient, logger: Logger) async throws {
        let system = "regcred-system"
        step("cluster: namespaces apps, payments, kube-system, legacy (annotated regcred.dev/exclude=true)")
        for (name, annotations) in [(system, [:]), ("apps", [:]), ("payments", [:]), ("kube-system", [:]), ("legacy", ["regcred.dev/exclude": "true"])] {
            if (try? await client.resource(Namespace.self).get(name)) != nil { continue }  // kube-system exists from the start
            _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: name, annotations: annotations)))
        }
        step("source secret regcred-system/ghcr-token and ClusterPullSecret ghcr (registries [ghcr.io], exclude [kube-*])")
        try await setToken("ghp_demo_first_token_0001", client: client, namespace: system, create: true)
        let spec = ClusterPullSecretSpec(
            registries: ["ghcr.io"], source: CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "ghcr-token"))),
            secretName: "regcred-ghcr", namespaces: NamespacesSpec(exclude: ["kube-*"]))
        _ = try await client.resource(ClusterPullSecret.self).create(ClusterPullSecret(metadata: ObjectMeta(name: "ghcr"), spec: spec))

        let controller = PullSecretController(
            client: client, controllerNamespace: system, catalog: ProfileCatalog(), metrics: ControllerMetrics(), identity: "demo", logger: logger)
        await controller.registerHandlers()
        let informers = Task { await controller.runInformers() }
        await controller.caches.waitUntilSynced()
        let workers = Task { await controller.runWorkers(2) }
        defer { informers.cancel() }

        step("controller running: waiting for the fan-out")
        try await waitFor {
            guard (try? await client.resource(ClusterPullSecret.self).get("ghcr"))?.status?.condition("Ready")?.status == .true else { return false }
            // Each default service account appears moments after its namespace; wait for its entry too.
            for namespace in ["apps", "default", "payments"] {
                let account = try? await client.resource(ServiceAccount.self, namespace: namespace).get("default")
                if account?.imagePullSecrets.contains(where: { $0.name == "regcred-ghcr" }) != true { return false }
            }
            return true
        }
        try await printState(client: client)

        step("a namespace appears: new-team")
        let started = ContinuousClock.now
        _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: "new-team")))
        try await waitFor {
            let account = try? await client.resource(ServiceAccount.self, namespace: "new-team").get("default")
            return account?.imagePullSecrets.contains { $0.name == "regcred-ghcr" } == true
        }
        Terminal.write("new-team got its secret and service account entry after \(ContinuousClock.now - started)\n")

        step("the token changes in the source secret: every namespace gets it")
        try await setToken("ghp_demo_second_token_002", client: client, namespace: system, create: false)
        let rotated = try DockerConfig.basic(registries: ["ghcr.io"], username: "demo-bot", password: "ghp_demo_second_token_002").encoded()
        try await waitFor {
            for namespace in ["apps", "payments", "new-team"] {
                let secret = try? await client.resource(Secret.self, namespace: namespace).get("regcred-ghcr")
                if secret?.data[".dockerconfigjson"] != rotated { return false }
            }
            return true
        }
        try await printState(client: client)
        let items = try await client.resource(ClusterPullSecret.self).listAll().items
        step("regcred status")
        Terminal.write(StatusReport.render(items, as: .table, now: Date()))
        await controller.queue.shutDown()
        _ = await workers.value
    }

    static func setToken(_ token: String, client: KubeClient, namespace: String, create: Bool) async throws {
        let secrets = client.resource(Secret.self, namespace: namespace)
        let data = ["username": Data("demo-bot".utf8), "password": Data(token.utf8)]
        if create {
            _ = try await secrets.create(Secret(metadata: ObjectMeta(name: "ghcr-token", namespace: namespace), data: data))
        } else {
            var secret = try await secrets.get("ghcr-token")
            secret.data = data
            _ = try await secrets.update(secret)
        }
    }

    static func printState(client: KubeClient) async throws {
        var table = TextTable(headers: ["NAMESPACE", "PULL SECRET", "PASSWORD (FINGERPRINT)", "DEFAULT SA imagePullSecrets"])
        for namespace in try await client.resource(Namespace.self).listAll().items.compactMap(\.metadata.name).sorted() where namespace != "regcred-system" {
            let secret = try? await client.resource(Secret.self, namespace: namespace).get("regcred-ghcr")
            let fingerprint = secret.flatMap { secret -> String? in
                guard let data = secret.data[".dockerconfigjson"], let config = try? DockerConfig(parsing: data, format: .dockerConfigJSON) else { return nil }
                return config.entries.values.first?.effectiveCredentials.map { SecretFingerprint.of($0.password) }
            }
            let account = try? await client.resource(ServiceAccount.self, namespace: namespace).get("default")
            table.append([
                namespace, secret == nil ? "-" : "regcred-ghcr", fingerprint ?? "-",
                account.map { $0.imagePullSecrets.map(\.name).joined(separator: ",") } ?? "-",
            ])
        }
        Terminal.write(table.rendered())
    }

    static func waitFor(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CheckFailed("the demo did not converge within 30 s")
    }
}
