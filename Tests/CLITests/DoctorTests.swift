// `regcred doctor` end to end: objects created with kubectl in a cluster reached through a
// kubeconfig (KubeSandbox, or REGCRED_E2E_KUBECONFIG), the built binary diagnosing them.
import Foundation
import TestPeers
import RegcredCore
import Testing

extension CLICluster {
    /// `kubectl create -f` of a manifest written to the test's directory.
    func create(_ manifest: String) async throws {
        let path = try directory.write(manifest, to: "manifest-\(UUID().uuidString.prefix(8)).yaml")
        let outcome = try await kubectl(["create", "--validate=false", "-n", namespace, "-f", path])
        #expect(outcome.status == 0, "\(outcome.summary)")
    }

    func createServiceAccount(_ name: String) async throws {
        try await create("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: \(name)\n")
    }

    /// A pod running as `serviceAccount`, one container per image, listing `pullSecrets`.
    func createPod(_ name: String, images: [String], pullSecrets: [String], serviceAccount: String = "app") async throws {
        var manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \(name)\nspec:\n  serviceAccountName: \(serviceAccount)\n"
        if !pullSecrets.isEmpty {
            manifest += "  imagePullSecrets:\n" + pullSecrets.map { "  - name: \($0)\n" }.joined()
        }
        manifest += "  containers:\n" + images.enumerated().map { "  - name: c\($0.offset)\n    image: \($0.element)\n" }.joined()
        try await create(manifest)
    }

    /// A pull secret holding exactly `config` (as JSON text), written with kubectl.
    func createRawPullSecret(_ name: String, config: String, type: String = "kubernetes.io/dockerconfigjson") async throws {
        try await create("""
            apiVersion: v1
            kind: Secret
            metadata:
              name: \(name)
            type: \(type)
            data:
              .dockerconfigjson: \(Data(config.utf8).base64EncodedString())

            """)
    }
}

@Suite("regcred doctor on a cluster", .serialized, .enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/kubectl"), "objects are created with kubectl"))
struct DoctorTests {
    /// The TOKEN of CLICluster's environment: it must never be printed.
    static let token = "s3cret-t0ken"

    static func createSecret(_ cluster: CLICluster, name: String = "pull", registries: [String]) async throws {
        let outcome = try await cluster.regcred(
            ["create", name, "--username", "bot", "--password-env", "TOKEN"] + registries.flatMap { ["--registry", $0] })
        #expect(outcome.status == 0, "\(outcome.summary)")
    }

    static func expectNoSecret(_ outcome: ProcessOutcome) {
        let all = outcome.standardOutput + outcome.standardError
        #expect(!all.contains(token), "the token was printed:\n\(all)")
        #expect(!all.contains(BasicAuthField.encode(username: "bot", password: token)), "the auth field was printed")
    }

    @Test("a healthy pod: every image OK, exit 0")
    func healthyPod() async throws {
        try await CLICluster.run { cluster in
            try await cluster.createServiceAccount("app")
            try await Self.createSecret(cluster, registries: ["ghcr.io"])
            try await cluster.createPod("web", images: ["ghcr.io/org/app:1.0", "nginx:1.27"], pullSecrets: ["pull"])
            let outcome = try await cluster.regcred(["doctor", "web"])
            #expect(outcome.status == 0, "\(outcome.summary)")
            #expect(outcome.standardOutput.contains("OK        c0: ghcr.io/org/app:1.0"))
            #expect(outcome.standardOutput.contains("1. pull \"ghcr.io\": user bot"))
            #expect(outcome.standardOutput.contains("ANONYMOUS c1: nginx:1.27 (docker.io/library/nginx)"))
            #expect(outcome.standardOutput.contains("every image (2) can be pulled as far as regcred can tell"))
            Self.expectNoSecret(outcome)

            let json = try await cluster.regcred(["doctor", "web", "-o", "json"])
            #expect(json.status == 0, "\(json.summary)")
            let report = try JSONValue(parsing: json.standardOutputData)
            #expect(report["healthy"] == .bool(true))
            #expect(report["images"]?.arrayValue?[0]["status"] == "ok")
            #expect(report["images"]?.arrayValue?[0]["credentials"]?.arrayValue?[0]["registryKey"] == "ghcr.io")
            Self.expectNoSecret(json)
        }
    }

    @Test("a missing secret and a secret of the wrong type: exit 1, with the commands that fix them")
    func missingAndWrongType() async throws {
        try await CLICluster.run { cluster in
            try await cluster.createServiceAccount("app")
            let config = DockerConfig(entries: ["quay.io": .basic(username: "bot", password: Self.token)]).encoded()
            let path = try cluster.directory.write(config, to: "config.json")
            let generic = try await cluster.kubectl(["create", "secret", "generic", "opaque", "-n", cluster.namespace, "--from-file=.dockerconfigjson=\(path)"])
            #expect(generic.status == 0, "\(generic.summary)")
            try await cluster.createPod("web", images: ["ghcr.io/org/app:1", "quay.io/org/worker:2"], pullSecrets: ["gone", "opaque"])

            let outcome = try await cluster.regcred(["doctor", "web"])
            #expect(outcome.status == 1, "\(outcome.summary)")
            let text = outcome.standardOutput
            #expect(text.contains("secret gone is not found in namespace \(cluster.namespace); the kubelet skips it"))
            #expect(text.contains("secret opaque has type Opaque (though it holds a docker config)"))
            #expect(text.contains("PROBLEM   c0: ghcr.io/org/app:1"))
            #expect(text.contains("regcred create gone --registry ghcr.io --username '<username>' --password-stdin -n \(cluster.namespace)"))
            #expect(text.contains("kubectl delete secret opaque -n \(cluster.namespace)"))
            #expect(text.contains("2 of 2 images cannot be pulled"))
            Self.expectNoSecret(outcome)
        }
    }

    @Test("a malformed auth field fails every pull of the pod, public images included")
    func malformedAuth() async throws {
        try await CLICluster.run { cluster in
            try await cluster.createServiceAccount("app")
            try await cluster.createRawPullSecret("broken", config: #"{"auths":{"ghcr.io":{"username":"bot","password":"s3cret-t0ken","auth":"%%not-base64"}}}"#)
            try await cluster.createPod("web", images: ["ghcr.io/org/app:1", "nginx"], pullSecrets: ["broken"])
            let outcome = try await cluster.regcred(["doctor", "web", "-o", "json"])
            #expect(outcome.status == 1, "\(outcome.summary)")
            let report = try JSONValue(parsing: outcome.standardOutputData)
            #expect(report["secrets"]?.arrayValue?[0]["state"] == "malformed")
            #expect(report["images"]?.arrayValue?.map { $0["status"]?.stringValue } == ["problem", "problem"])
            #expect(report["images"]?.arrayValue?[1]["findings"]?.arrayValue?[0]["code"] == "keyring-refused")
            #expect(report["fixes"]?.arrayValue?.map(\.stringValue) == ["regcred update broken --registry ghcr.io --username bot --password-stdin -n \(cluster.namespace)"])
            Self.expectNoSecret(outcome)
        }
    }

    @Test("keys for the wrong host are named as near misses: docker.io vs index.docker.io, port, glob")
    func wrongHost() async throws {
        try await CLICluster.run { cluster in
            try await cluster.createServiceAccount("app")
            try await Self.createSecret(cluster, registries: ["index.docker.io/myorg", "reg.example.com:5000", "*.corp.test"])
            try await cluster.createPod("web", images: ["myorg/app:1", "reg.example.com/team/app:1", "corp.test/app:1"], pullSecrets: ["pull"])
            let outcome = try await cluster.regcred(["doctor", "web", "-o", "json"])
            #expect(outcome.status == 1, "\(outcome.summary)")
            let report = try JSONValue(parsing: outcome.standardOutputData)
            let kinds = report["images"]?.arrayValue?.map { $0["nearMisses"]?.arrayValue?[0]["kind"]?.stringValue }
            #expect(kinds == ["docker-hub-alias", "port", "glob"])
            let suggested = report["images"]?.arrayValue?.map { $0["nearMisses"]?.arrayValue?[0]["suggestedKey"]?.stringValue }
            #expect(suggested == ["docker.io/myorg", "reg.example.com", "corp.test"])
            Self.expectNoSecret(outcome)

            let text = try await cluster.regcred(["doctor", "web"])
            #expect(text.status == 1)
            #expect(text.standardOutput.contains("index.docker.io serves Docker Hub images only as a bare key without a path"))
            #expect(text.standardOutput.contains("port differs: key has 5000, image has none"))
            #expect(text.standardOutput.contains("\"*\" stands for exactly one host label, so *.corp.test does not cover corp.test"))
            Self.expectNoSecret(text)
        }
    }

    @Test("an expired token (a JWT with a past exp): exit 1, update fixes it, the token is never printed")
    func expiredToken() async throws {
        try await CLICluster.run { cluster in
            try await cluster.createServiceAccount("app")
            func base64URL(_ text: String) -> String {
                Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                    .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            }
            let jwt = [base64URL(#"{"alg":"RS256"}"#), base64URL(#"{"sub":"bot","exp":1700000000}"#), "c2lnbmF0dXJl"].joined(separator: ".")
            let config = #"{"auths":{"ghcr.io":{"username":"bot","password":"\#(jwt)","auth":"\#(BasicAuthField.encode(username: "bot", password: jwt))"}}}"#
            try await cluster.createRawPullSecret("pull", config: config)
            try await cluster.createPod("web", images: ["ghcr.io/org/app:1"], pullSecrets: ["pull"])
            let outcome = try await cluster.regcred(["doctor", "web"])
            #expect(outcome.status == 1, "\(outcome.summary)")
            #expect(outcome.standardOutput.contains("the token in pull \"ghcr.io\" expired"))
            #expect(outcome.standardOutput.contains("(2023-11-14T22:13:20Z)"))
            #expect(outcome.standardOutput.contains("regcred update pull --registry ghcr.io --password-stdin -n \(cluster.namespace)"))
            #expect(!outcome.standardOutput.contains(jwt) && !outcome.standardOutput.contains("c2lnbmF0dXJl"))
        }
    }

    @Test("the pod webhook: a regcred-managed secret the service account does not list came from the webhook; a pod without it says spec.podInjection would have added it")
    func podWebhookRecognised() async throws {
        try await CLICluster.run { cluster in
            let clusterPullSecret = "doctor-\(UUID().uuidString.prefix(6).lowercased())"
            try await cluster.createServiceAccount("app")
            try await cluster.createServiceAccount("other")
            try await Self.createSecret(cluster, registries: ["ghcr.io"])
            let labelled = try await cluster.kubectl([
                "label", "secret", "pull", "-n", cluster.namespace, "app.kubernetes.io/managed-by=regcred", "regcred.dev/owner=\(clusterPullSecret)",
            ])
            #expect(labelled.status == 0, "\(labelled.summary)")
            let manifest = try cluster.directory.write("""
                apiVersion: regcred.dev/v1alpha1
                kind: ClusterPullSecret
                metadata: {name: \(clusterPullSecret)}
                spec: {registries: [ghcr.io], secretName: pull, source: {static: {secretRef: {name: token}}}}

                """, to: "cps.yaml")
            let created = try await cluster.kubectl(["create", "--validate=false", "-f", manifest])
            #expect(created.status == 0, "\(created.summary)")
            // Created before service account app listed the secret, without the webhook.
            try await cluster.createPod("early", images: ["ghcr.io/org/app:1"], pullSecrets: [])
            let patched = try await cluster.kubectl(["patch", "serviceaccount", "app", "-n", cluster.namespace, "-p", #"{"imagePullSecrets":[{"name":"pull"}]}"#])
            #expect(patched.status == 0, "\(patched.summary)")
            // What the webhook leaves: the secret in the pod, not in its service account.
            try await cluster.createPod("injected", images: ["ghcr.io/org/app:1"], pullSecrets: ["pull"], serviceAccount: "other")

            let early = try await cluster.regcred(["doctor", "early"])
            #expect(early.status == 1, "\(early.summary)")
            #expect(early.standardOutput.contains("ClusterPullSecret \(clusterPullSecret) serves ghcr.io/org/app:1 in this namespace"), "\(early.standardOutput)")
            #expect(early.standardOutput.contains("with spec.podInjection.enabled, regcred's webhook adds pull"))

            let injected = try await cluster.regcred(["doctor", "injected"])
            #expect(injected.status == 0, "\(injected.summary)")
            #expect(injected.standardOutput.contains("pull secret pull (ClusterPullSecret \(clusterPullSecret)) is in pod injected but not in service account other"), "\(injected.standardOutput)")
            #expect(injected.standardOutput.contains("regcred's pod admission webhook added it"))
            Self.expectNoSecret(injected)
            // Cluster-scoped: outlives the test's namespace on a real cluster.
            _ = try await cluster.kubectl(["delete", "clusterpullsecret", clusterPullSecret, "--wait=false"])
        }
    }

    @Test("a pod created before its service account was patched: recreate it; a new pod would be fine")
    func podPredatesServiceAccountPatch() async throws {
        try await CLICluster.run { cluster in
            try await cluster.createServiceAccount("app")
            try await Self.createSecret(cluster, registries: ["ghcr.io"])
            try await cluster.createPod("web", images: ["ghcr.io/org/app:1"], pullSecrets: [])
            let patched = try await cluster.kubectl(["patch", "serviceaccount", "app", "-n", cluster.namespace, "-p", #"{"imagePullSecrets":[{"name":"pull"}]}"#])
            #expect(patched.status == 0, "\(patched.summary)")

            let outcome = try await cluster.regcred(["doctor", "web"])
            #expect(outcome.status == 1, "\(outcome.summary)")
            #expect(outcome.standardOutput.contains("pod web sets no imagePullSecrets, but service account app now lists pull"))
            #expect(outcome.standardOutput.contains("copied into a pod only when the pod is created, and only when the pod sets none"))
            #expect(outcome.standardOutput.contains("fix:\n  kubectl delete pod web -n \(cluster.namespace)\n"))

            let prospective = try await cluster.regcred(["doctor", "--image", "ghcr.io/org/app:1", "--service-account", "app"])
            #expect(prospective.status == 0, "\(prospective.summary)")
            #expect(prospective.standardOutput.contains("pull secrets (from the service account):"))
            Self.expectNoSecret(prospective)
        }
    }

    @Test("offline: a pod manifest and a pull secret file, no cluster needed")
    func offlineFiles() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let pod = try directory.write("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      imagePullSecrets: [{name: pull}]
                      initContainers: [{name: migrate, image: "quay.io/org/migrate:1"}]
                      containers: [{name: app, image: "ghcr.io/org/app:1"}]

                """, to: "deploy.yaml")
            let config = DockerConfig(entries: ["ghcr.io": .basic(username: "bot", password: Self.token)]).encoded()
            let secret = try directory.write("""
                apiVersion: v1
                kind: Secret
                metadata: {name: pull}
                type: kubernetes.io/dockerconfigjson
                data: {.dockerconfigjson: \(config.base64EncodedString())}

                """, to: "secret.yaml")
            let outcome = try await regcred.run(["doctor", "-f", pod, "-f", secret, "--kubeconfig", "/nonexistent"])
            #expect(outcome.status == 0, "\(outcome.summary)")
            #expect(outcome.standardOutput.contains("OK        app: ghcr.io/org/app:1"))
            #expect(outcome.standardOutput.contains("ANONYMOUS init:migrate: quay.io/org/migrate:1"))
            Self.expectNoSecret(outcome)

            let image = try await regcred.run(["doctor", "-f", secret, "--image", "ghcr.io/other/app:2", "--image", "ghcr.io:443/org/app"])
            #expect(image.status == 1, "\(image.summary)")
            #expect(image.standardOutput.contains("port differs: key has none, image has 443"))

            // --verify asks the registry; nothing listens on 127.0.0.1:1, so the check is inconclusive, not a failure.
            let local = DockerConfig(entries: ["127.0.0.1:1": .basic(username: "bot", password: Self.token)]).encoded()
            let unreachable = try directory.write("""
                apiVersion: v1
                kind: Secret
                metadata: {name: pull}
                type: kubernetes.io/dockerconfigjson
                data: {.dockerconfigjson: \(local.base64EncodedString())}

                """, to: "local-secret.yaml")
            let verify = try await regcred.run(["doctor", "-f", unreachable, "--image", "127.0.0.1:1/org/app:1", "--verify"])
            #expect(verify.status == 0, "\(verify.summary)")
            #expect(verify.standardOutput.contains("inconclusive: unreachable"), "\(verify.summary)")
            Self.expectNoSecret(verify)
        }
    }
}
