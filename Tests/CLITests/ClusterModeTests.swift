// The CLI against a cluster, only through a kubeconfig: KubeSandbox by default, the cluster in
// REGCRED_E2E_KUBECONFIG when set (each test works in its own namespace and deletes it).
import Foundation
import TestPeers
import KubeSandbox
import RegcredCore
import Testing

/// A cluster and a kubeconfig file for the CLI, plus a namespace of the test's own.
struct CLICluster {
    let kubeconfig: String
    let namespace: String
    let sandbox: KubeSandbox?
    let regcred: RegcredProcess
    let directory: TemporaryDirectory

    static var e2eKubeconfig: String? {
        ProcessInfo.processInfo.environment["REGCRED_E2E_KUBECONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `configure` adjusts the sandbox's options (not used against a real cluster).
    static func run(
        users: [SandboxUser] = [.admin], configure: (inout KubeSandbox.Options) -> Void = { _ in }, _ body: (CLICluster) async throws -> Void
    ) async throws {
        try await TemporaryDirectory.with { directory in
            var sandbox: KubeSandbox?
            let kubeconfig: String
            if let path = e2eKubeconfig {
                kubeconfig = path
            } else {
                var options = KubeSandbox.Options()
                // kubectl sends bearer tokens only over TLS.
                options.tls = true
                options.users = users
                configure(&options)
                let started = try await KubeSandbox.start(options)
                sandbox = started
                kubeconfig = directory.file("kubeconfig").path
                try started.writeKubeconfig(to: kubeconfig)
            }
            let cluster = CLICluster(
                kubeconfig: kubeconfig, namespace: "cli-\(UUID().uuidString.prefix(8).lowercased())", sandbox: sandbox,
                regcred: try RegcredProcess(in: directory, environment: ["TOKEN": "s3cret-t0ken", "NEW_TOKEN": "n3w-t0ken"]),
                directory: directory)
            let created = try await cluster.kubectl(["create", "namespace", cluster.namespace])
            #expect(created.status == 0, "\(created.summary)")
            try await withRunning { try await body(cluster) } finally: {
                _ = try? await cluster.kubectl(["delete", "namespace", cluster.namespace, "--wait=false"])
                try await sandbox?.stop()
            }
        }
    }

    func regcred(_ arguments: [String], stdin: String? = nil, kubeconfig: String? = nil) async throws -> ProcessOutcome {
        try await regcred.run(arguments + ["--kubeconfig", kubeconfig ?? self.kubeconfig, "-n", namespace], standardInput: stdin)
    }

    func kubectl(_ arguments: [String]) async throws -> ProcessOutcome {
        try await Kubectl(
            kubeconfig: kubeconfig, home: directory.url, serverMinorVersion: sandbox == nil ? nil : KubeSandbox.kubernetesMinorVersion
        ).run(arguments, timeout: .seconds(60))
    }

    /// The decoded .dockerconfigjson of a secret, read with kubectl (an independent client).
    func dockerConfig(_ name: String) async throws -> JSONValue {
        let outcome = try await kubectl(["get", "secret", name, "-n", namespace, "-o", "json"])
        #expect(outcome.status == 0, "\(outcome.summary)")
        return try JSONValue(parsing: outcome.standardOutputData).decodedSecretData()
    }
}

@Suite("CLI cluster mode", .serialized, .enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/kubectl"), "kubectl reads back what regcred wrote"))
struct ClusterModeTests {
    static let create = ["create", "pull", "--registry", "ghcr.io", "--registry", "quay.io", "--username", "bot", "--password-env", "TOKEN"]

    @Test("create writes a pull secret kubectl can read; a second create is refused; --overwrite replaces it")
    func createAndOverwrite() async throws {
        try await CLICluster.run { cluster in
            let first = try await cluster.regcred(Self.create)
            #expect(first.status == 0, "\(first.summary)")
            #expect(first.standardOutput == "secret/pull created\n")
            let config = try await cluster.dockerConfig("pull")
            #expect(config.authEntry("ghcr.io")?.decodedAuth == "bot:s3cret-t0ken")
            #expect(config.authEntry("quay.io")?.decodedAuth == "bot:s3cret-t0ken")

            let again = try await cluster.regcred(Self.create)
            #expect(again.status == 73)
            #expect(again.standardError.contains("already exists; pass --overwrite"))
            #expect(again.standardOutput.isEmpty)

            let replaced = try await cluster.regcred(["create", "pull", "--registry", "ghcr.io", "--username", "bot2", "--password-env", "NEW_TOKEN", "--overwrite"])
            #expect(replaced.status == 0, "\(replaced.summary)")
            #expect(try await cluster.dockerConfig("pull").authEntry("ghcr.io")?.decodedAuth == "bot2:n3w-t0ken")
        }
    }

    @Test("--dry-run=server validates without storing; --dry-run=client needs no cluster")
    func dryRuns() async throws {
        try await CLICluster.run { cluster in
            let server = try await cluster.regcred(Self.create + ["--dry-run=server", "-o", "json"])
            #expect(server.status == 0, "\(server.summary)")
            #expect(try JSONValue(parsing: server.standardOutputData)["kind"] == "Secret")
            let get = try await cluster.kubectl(["get", "secret", "pull", "-n", cluster.namespace])
            #expect(get.status != 0, "a server dry run stored the secret")
            let client = try await cluster.regcred(Self.create + ["--dry-run=client"], kubeconfig: "/nonexistent/kubeconfig")
            #expect(client.status == 0, "\(client.summary)")
            #expect(client.standardOutput.contains("kind: Secret"))
        }
    }

    @Test("update changes the token in place, only for the named registry, keeping labels and other keys")
    func updateInPlace() async throws {
        try await CLICluster.run { cluster in
            #expect(try await cluster.regcred(Self.create).status == 0)
            #expect(try await cluster.kubectl(["label", "secret", "pull", "-n", cluster.namespace, "team=payments"]).status == 0)
            let updated = try await cluster.regcred(["update", "pull", "--registry", "quay.io", "--password-env", "NEW_TOKEN"])
            #expect(updated.status == 0, "\(updated.summary)")
            #expect(updated.standardOutput == "secret/pull updated\n")
            let config = try await cluster.dockerConfig("pull")
            #expect(config.authEntry("quay.io")?.decodedAuth == "bot:n3w-t0ken")
            #expect(config.authEntry("ghcr.io")?.decodedAuth == "bot:s3cret-t0ken")
            let labels = try await cluster.kubectl(["get", "secret", "pull", "-n", cluster.namespace, "-o", "jsonpath={.metadata.labels.team}"])
            #expect(labels.standardOutput == "payments")
        }
    }

    @Test("show and match read the secret from the cluster, masking the password")
    func showAndMatch() async throws {
        try await CLICluster.run { cluster in
            #expect(try await cluster.regcred(Self.create).status == 0)
            let show = try await cluster.regcred(["show", "pull"])
            #expect(show.status == 0, "\(show.summary)")
            #expect(show.standardOutput.contains("ghcr.io") && show.standardOutput.contains("len 12, sha256:"))
            #expect(!show.standardOutput.contains("s3cret-t0ken"))
            let match = try await cluster.regcred(["match", "ghcr.io/org/app:1", "pull"])
            #expect(match.status == 0, "\(match.summary)")
            #expect(match.standardOutput.contains("1       ghcr.io"))
            let none = try await cluster.regcred(["match", "nginx", "pull"])
            #expect(none.status == 1)
        }
    }

    @Test("bad targets get clear errors, documented exit codes, and change nothing", arguments: [
        (["show", "missing"], Int32(66), "not found"),
        (["update", "missing", "--password-env", "NEW_TOKEN"], 66, "not found"),
        (["show", "opaque"], 65, "has type Opaque; a pull secret must be kubernetes.io/dockerconfigjson"),
        (["update", "opaque", "--password-env", "NEW_TOKEN"], 65, "has type Opaque"),
        (["delete", "opaque"], 65, "has type Opaque"),
    ])
    func badTargets(arguments: [String], status: Int32, message: String) async throws {
        try await CLICluster.run { cluster in
            #expect(try await cluster.kubectl(["create", "secret", "generic", "opaque", "-n", cluster.namespace, "--from-literal=k=v"]).status == 0)
            let before = try await cluster.kubectl(["get", "secret", "opaque", "-n", cluster.namespace, "-o", "jsonpath={.metadata.resourceVersion}"])
            let outcome = try await cluster.regcred(arguments)
            #expect(outcome.status == status, "\(outcome.summary)")
            #expect(outcome.standardError.contains(message), "\(outcome.summary)")
            #expect(outcome.standardOutput.isEmpty)
            let after = try await cluster.kubectl(["get", "secret", "opaque", "-n", cluster.namespace, "-o", "jsonpath={.metadata.resourceVersion}"])
            #expect(after.standardOutput == before.standardOutput)
        }
    }

    @Test("delete removes a pull secret, and refuses one a ClusterPullSecret manages unless --force")
    func delete() async throws {
        try await CLICluster.run { cluster in
            #expect(try await cluster.regcred(Self.create).status == 0)
            let deleted = try await cluster.regcred(["delete", "pull"])
            #expect(deleted.status == 0, "\(deleted.summary)")
            #expect(try await cluster.kubectl(["get", "secret", "pull", "-n", cluster.namespace]).status != 0)

            #expect(try await cluster.regcred(Self.create).status == 0)
            #expect(try await cluster.kubectl(["label", "secret", "pull", "-n", cluster.namespace, "app.kubernetes.io/managed-by=regcred", "regcred.dev/owner=ghcr"]).status == 0)
            let refused = try await cluster.regcred(["delete", "pull"])
            #expect(refused.status == 64)
            #expect(refused.standardError.contains("managed by ClusterPullSecret ghcr"))
            #expect(try await cluster.regcred(["delete", "pull", "--force"]).status == 0)
        }
    }

    @Test("an unreachable server, a broken kubeconfig and an unknown context fail clearly", arguments: [
        ("unreachable", Int32(69), "cannot reach"),
        ("broken", 78, "kubeconfig"),
    ])
    func connectionProblems(kind: String, status: Int32, message: String) async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let path: String
            switch kind {
            case "unreachable":
                let port = try FreePort.pick()
                path = try directory.write("""
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: c, cluster: {server: "http://127.0.0.1:\(port)"}}]
                    users: [{name: u, user: {token: t0k}}]
                    contexts: [{name: x, context: {cluster: c, user: u}}]
                    current-context: x
                    """, to: "kubeconfig")
            default:
                path = try directory.write("clusters: [this is: not yaml", to: "kubeconfig")
            }
            let outcome = try await regcred.run(["show", "pull", "--kubeconfig", path])
            #expect(outcome.status == status, "\(outcome.summary)")
            #expect(outcome.standardError.lowercased().contains(message), "\(outcome.summary)")
            #expect(!outcome.standardError.contains("t0k"))
        }
    }

    @Test("Forbidden from RBAC is exit 77 with the server's reason", .enabled(if: CLICluster.e2eKubeconfig == nil, "needs a sandbox user"))
    func forbidden() async throws {
        let reader = SandboxUser(name: "reader", token: "reader-token", rules: [
            PolicyRule(verbs: ["get", "list", "create"], resources: ["namespaces"]),
            PolicyRule(verbs: ["get", "list"], resources: ["secrets"]),
        ])
        try await CLICluster.run(users: [.admin, reader]) { cluster in
            let sandbox = try #require(cluster.sandbox)
            let readerConfig = try cluster.directory.write(sandbox.kubeconfigYAML(user: "reader", namespace: cluster.namespace), to: "reader.kubeconfig")
            let outcome = try await cluster.regcred(Self.create, kubeconfig: readerConfig)
            #expect(outcome.status == 77, "\(outcome.summary)")
            #expect(outcome.standardError.contains("forbidden"), "\(outcome.summary)")
        }
    }

    @Test("installed as kubectl-regcred on PATH, it runs as `kubectl regcred`")
    func kubectlPlugin() async throws {
        try await CLICluster.run { cluster in
            let bin = try cluster.directory.makeDirectory("plugin-bin")
            try FileManager.default.createSymbolicLink(at: bin.appending(path: "kubectl-regcred"), withDestinationURL: try RegcredBinary.locate())
            var environment = ChildProcess.cleanEnvironment(home: cluster.directory.url)
            environment["PATH"] = "\(bin.path):/usr/local/bin:/usr/bin:/bin"
            environment["TOKEN"] = "s3cret-t0ken"
            let created = try await ChildProcess.run(
                URL(filePath: "/usr/bin/kubectl"),
                arguments: ["regcred", "create", "plugged", "--registry", "ghcr.io", "--username", "bot", "--password-env", "TOKEN",
                            "--kubeconfig", cluster.kubeconfig, "-n", cluster.namespace],
                environment: environment, currentDirectory: cluster.directory.url, timeout: .seconds(60))
            #expect(created.status == 0, "\(created.summary)")
            #expect(created.standardOutput == "secret/plugged created\n")
            #expect(try await cluster.dockerConfig("plugged").authEntry("ghcr.io")?.decodedAuth == "bot:s3cret-t0ken")
        }
    }
}
