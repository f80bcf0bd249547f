// kubectl against the sandbox, as a user would run it: discovery, get, create secret
// docker-registry, get -o yaml, patch (merge, json, strategic), delete, get -w.
import AsyncHTTPClient
import Foundation
import NIOSSL
import KubeSandbox
import RegcredCore
import TestPeers
import Testing

// In parallel again. The body once seen "cut short" (60 of 113 bytes) under load was whole: it
// was protobuf. This machine's kubectl is the Google Cloud SDK's version dispatcher, which under
// load gave up asking the sandbox's version and ran its newest kubectl, which sends Secrets as
// protobuf; the sandbox read those bytes as JSON. TestPeers.Kubectl now runs the 1.28 release the
// sandbox matches, and the sandbox answers a protobuf body with 415 (ConcurrentBodyTests).
@Suite(.enabled(if: Kubectl.isInstalled, "kubectl is not installed"))
struct KubectlTests {
    /// client-go sends bearer tokens only over HTTPS, so kubectl talks to a TLS sandbox.
    static var options: KubeSandbox.Options {
        var options = KubeSandbox.Options()
        options.tls = true
        return options
    }

    func withSandbox(_ body: (KubeSandbox, SandboxClient) async throws -> Void) async throws {
        let sandbox = try await KubeSandbox.start(Self.options)
        let material = try #require(sandbox.tlsMaterial)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(material.caPEM.utf8), format: .pem)])
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        try await withRunning { try await body(sandbox, SandboxClient(sandbox, http: http)) } finally: {
            try await http.shutdown()
            try await sandbox.stop()
        }
    }

    @Test func plainHTTPSandboxServesKubectlAsTheUnauthenticatedUser() async throws {
        var options = KubeSandbox.Options()
        options.unauthenticatedUser = "admin"
        try await KubeSandboxTests.withSandbox(options) { sandbox, _ in
            let result = try await Kubectl(sandbox).run("get", "namespace", "default")
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput.contains("Active"))
        }
    }

    @Test func getNamespacesListsTheBootstrapNamespaces() async throws {
        try await withSandbox { sandbox, _ in
            let result = try await Kubectl(sandbox).run("get", "namespaces")
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput.contains("default"))
            #expect(result.standardOutput.contains("kube-system"))
            #expect(result.standardOutput.contains("Active"))
        }
    }

    @Test func createSecretDockerRegistryThenGetAsYAML() async throws {
        try await withSandbox { sandbox, api in
            let kubectl = try Kubectl(sandbox)
            let created = try await kubectl.run("create", "secret", "docker-registry", "ghcr", "--docker-server=ghcr.io",
                                          "--docker-username=u", "--docker-password=p", "--validate=false")
            #expect(created.status == 0, "\(created.standardError)")
            #expect(created.standardOutput.contains("secret/ghcr created"))
            let stored = try await api.get("/api/v1/namespaces/default/secrets/ghcr").body
            #expect(stored["type"]?.stringValue == "kubernetes.io/dockerconfigjson")
            let yaml = try await kubectl.run("get", "secret", "ghcr", "-o", "yaml")
            #expect(yaml.status == 0, "\(yaml.standardError)")
            #expect(yaml.standardOutput.contains("type: kubernetes.io/dockerconfigjson"))
            #expect(yaml.standardOutput.contains(".dockerconfigjson: "))
        }
    }

    @Test func kubectlReportsServerValidationErrors() async throws {
        try await withSandbox { sandbox, _ in
            let kubectl = try Kubectl(sandbox)
            let result = try await kubectl.run("create", "secret", "generic", "Bad_Name", "--from-literal=a=b", "--validate=false")
            #expect(result.status != 0)
            #expect(result.standardError.contains(#"Secret "Bad_Name" is invalid"#))
        }
    }

    @Test(arguments: [
        ("merge", #"{"metadata":{"labels":{"team":"a"}}}"#),
        ("json", #"[{"op":"add","path":"/metadata/labels","value":{"team":"a"}}]"#),
        ("strategic", #"{"metadata":{"labels":{"team":"a"}}}"#),
    ])
    func patchAddsALabel(patchType: String, patch: String) async throws {
        try await withSandbox { sandbox, api in
            _ = try await api.post("/api/v1/namespaces/default/secrets", secret("p"))
            let result = try await Kubectl(sandbox).run("patch", "secret", "p", "--type", patchType, "-p", patch)
            #expect(result.status == 0, "\(result.standardError)")
            let stored = try await api.get("/api/v1/namespaces/default/secrets/p").body
            #expect(stored["metadata"]?["labels"]?["team"]?.stringValue == "a")
        }
    }

    @Test func deleteRemovesTheSecret() async throws {
        try await withSandbox { sandbox, api in
            _ = try await api.post("/api/v1/namespaces/default/secrets", secret("d"))
            let result = try await Kubectl(sandbox).run("delete", "secret", "d")
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput.contains(#"secret "d" deleted"#))
            #expect(try await api.get("/api/v1/namespaces/default/secrets/d").status == 404)
        }
    }

    @Test func getNotFoundPrintsTheServerMessage() async throws {
        try await withSandbox { sandbox, _ in
            let result = try await Kubectl(sandbox).run("get", "secret", "missing")
            #expect(result.status != 0)
            #expect(result.standardError.contains(#"Error from server (NotFound): secrets "missing" not found"#))
        }
    }

    @Test func getWatchShowsNewSecrets() async throws {
        try await withSandbox { sandbox, api in
            let watch = try Kubectl(sandbox).start("get", "secrets", "-w")
            defer { watch.stop() }
            try await Task.sleep(for: .milliseconds(300))
            _ = try await api.post("/api/v1/namespaces/default/secrets", secret("watched"))
            #expect(await watch.waitFor("watched"), "\(watch.output)")
        }
    }

    @Test func getCustomResourcesByShortName() async throws {
        try await withSandbox { sandbox, api in
            _ = try await api.post("/apis/regcred.dev/v1alpha1/clusterpullsecrets", clusterPullSecret("ghcr"))
            let result = try await Kubectl(sandbox).run("get", "cps")
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput.contains("ghcr"))
        }
    }
}
