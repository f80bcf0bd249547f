// `regcred credential-provider` run as the kubelet's exec plugin code runs it: the built binary, its
// args and environment, one CredentialProviderRequest on stdin, the response decoded strictly in the
// configured apiVersion. ECR, GCP's metadata server and the GitHub App API come from provider_stand_in.py,
// which counts requests, so a test can check that no provider call was made; moto_server is the ECR whose
// tokens expired in 2015.
import Foundation
import TestPeers
import Testing

@Suite("credential-provider as the kubelet runs it", .serialized)
struct CredentialProviderTests {
    static let v1 = "credentialprovider.kubelet.k8s.io/v1"
    static let v1beta1 = "credentialprovider.kubelet.k8s.io/v1beta1"
    static let v1alpha1 = "credentialprovider.kubelet.k8s.io/v1alpha1"
    /// The registry of the default account of moto and of the stand-in.
    static let ecrRegistry = "123456789012.dkr.ecr.us-east-1.amazonaws.com"

    /// What the kubelet sees of one plugin run: the exit, standard error, and the response it decoded.
    struct Exchange {
        var outcome: ProcessOutcome
        var response: KubeletProviderResponse?
    }

    /// Execs the plugin as `execPlugin.ExecPlugin` does and, when it exits 0, decodes stdout as the kubelet would.
    static func exec(
        _ arguments: [String], image: String, apiVersion: String = v1, environment: [String: String?], in directory: TemporaryDirectory
    ) async throws -> Exchange {
        let request = #"{"kind":"CredentialProviderRequest","apiVersion":"\#(apiVersion)","image":"\#(image)"}"#
        let outcome = try await RegcredProcess(in: directory).run(
            ["credential-provider"] + arguments, standardInput: request, environment: environment)
        guard outcome.status == 0 else { return Exchange(outcome: outcome, response: nil) }
        return Exchange(outcome: outcome, response: try KubeletProviderResponse(decoding: outcome.standardOutputData, apiVersion: apiVersion))
    }

    static func awsEnvironment(endpoint: String) -> [String: String?] {
        [
            "AWS_ACCESS_KEY_ID": "AKIAPLUGINTEST", "AWS_SECRET_ACCESS_KEY": "plugin-test-secret-key", "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL": endpoint,
        ]
    }

    // MARK: ECR

    @Test("ECR: an image of a served region gets that registry's token, cached per registry for half its lifetime", arguments: [v1, v1beta1, v1alpha1])
    func ecrServed(apiVersion: String) async throws {
        let (exchange, calls) = try await TemporaryDirectory.with { directory in
            let ecr = try await ProviderStandInProcess.start(in: directory)
            let exchange = try await Self.exec(
                ["--source", "ecr", "--region", "us-east-1", "--region", "eu-west-1"], image: "\(Self.ecrRegistry)/team/app:v1",
                apiVersion: apiVersion, environment: Self.awsEnvironment(endpoint: ecr.baseURL), in: directory)
            await ecr.stop()
            return (exchange, ecr.requests)
        }
        let response = try #require(exchange.response, "\(exchange.outcome.summary)")
        #expect(response.cacheKeyType == "Registry")
        #expect(response.auth == [Self.ecrRegistry: .init(username: "AWS", password: "stand-in-ecr-token")])
        let cacheDuration = try #require(response.cacheDuration)
        #expect(cacheDuration > .seconds(6 * 3600 - 60) && cacheDuration <= .seconds(6 * 3600), "half of the 12 h ECR token")
        #expect(calls.count == 2, "one GetAuthorizationToken per region: \(calls)")
        #expect(!exchange.outcome.standardOutput.contains("plugin-test-secret-key"))
    }

    @Test("ECR from moto, whose tokens expired in 2015: one line on standard error saying so, exit 69, no answer")
    func ecrExpiredToken() async throws {
        let exchange = try await MotoServer.with { moto in
            try await TemporaryDirectory.with { directory in
                try await Self.exec(
                    ["--source", "ecr", "--region", "us-east-1"], image: "\(Self.ecrRegistry)/team/app:v1",
                    environment: Self.awsEnvironment(endpoint: moto.endpoint), in: directory)
            }
        }
        #expect(exchange.outcome.status == 69, "\(exchange.outcome.summary)")
        #expect(exchange.outcome.standardOutput.isEmpty)
        #expect(exchange.outcome.standardErrorLines.count == 1, "\(exchange.outcome.summary)")
        #expect(exchange.outcome.standardError.contains("a token that expired at 2015-01-01T00:00:00Z"), "\(exchange.outcome.summary)")
    }

    @Test("ECR: an image regcred does not serve gets an empty auth with cacheDuration 0s, and ECR is not called", arguments: [
        (["--region", "us-east-1"], "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app"),  // a region not in --region
        (["--region", "us-east-1"], "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app"),  // the China partition
        (["--region", "cn-north-1"], "123456789012.dkr.ecr.cn-north-1.amazonaws.com/app"),  // a China region under the wrong suffix
        (["--region", "us-east-1", "--registry-id", "123456789012"], "210987654321.dkr.ecr.us-east-1.amazonaws.com/app"),  // another account
        (["--region", "us-east-1"], "gcr.io/project/app"),
        (["--region", "us-east-1"], "public.ecr.aws/team/app"),  // ECR Public without --ecr-public
    ])
    func ecrNotServed(flags: [String], image: String) async throws {
        let (exchange, calls) = try await TemporaryDirectory.with { directory in
            let ecr = try await ProviderStandInProcess.start(in: directory)
            let exchange = try await Self.exec(
                ["--source", "ecr"] + flags, image: image, environment: Self.awsEnvironment(endpoint: ecr.baseURL), in: directory)
            await ecr.stop()
            return (exchange, ecr.requests)
        }
        let response = try #require(exchange.response, "\(exchange.outcome.summary)")
        #expect(response.auth.isEmpty)
        #expect(response.cacheDuration == .zero, "0s: the kubelet does not cache the answer")
        #expect(calls.isEmpty, "\(calls)")
    }

    @Test("ECR unreachable: one line on standard error, exit 69, nothing on standard output")
    func ecrDown() async throws {
        let exchange = try await TemporaryDirectory.with { directory in
            try await Self.exec(
                ["--source", "ecr", "--region", "us-east-1"], image: "\(Self.ecrRegistry)/app",
                environment: Self.awsEnvironment(endpoint: "http://127.0.0.1:1"), in: directory)
        }
        #expect(exchange.outcome.status == 69, "\(exchange.outcome.summary)")
        #expect(exchange.outcome.standardOutput.isEmpty)
        #expect(exchange.outcome.standardErrorLines.count == 1 && exchange.outcome.standardError.contains("cannot reach"), "\(exchange.outcome.summary)")
    }

    @Test("ECR without AWS credentials: the error names the variables and where the kubelet sets them, no ClusterPullSecret field")
    func ecrNoCredentials() async throws {
        let exchange = try await TemporaryDirectory.with { directory in
            try await Self.exec(
                ["--source", "ecr", "--region", "us-east-1"], image: "\(Self.ecrRegistry)/app",
                environment: ["AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"], in: directory)
        }
        let message = exchange.outcome.standardError
        #expect(exchange.outcome.status != 0 && exchange.outcome.standardOutput.isEmpty)
        #expect(message.contains("AWS_ACCESS_KEY_ID") && message.contains("the provider's env: list"), "\(message)")
        #expect(!message.contains("spec.") && !message.contains("credentialsSecretRef"), "\(message)")
    }

    @Test("flags that serve no registry are a usage error, not an empty answer for every image", arguments: [
        ["--source", "ecr"], ["--source", "gcp", "--gcp-workload-identity"],
    ])
    func servesNoRegistry(arguments: [String]) async throws {
        let exchange = try await TemporaryDirectory.with { directory in
            try await Self.exec(arguments, image: "gcr.io/project/app", environment: [:], in: directory)
        }
        #expect(exchange.outcome.status == 64, "\(exchange.outcome.summary)")
        #expect(exchange.outcome.standardOutput.isEmpty)
        #expect(exchange.outcome.standardError.contains("--region") && exchange.outcome.standardError.contains("--registry"))
    }

    @Test("flags the source refuses are a usage error for every image, not a 0s answer for images of a region that does not exist")
    func refusedFlags() async throws {
        let exchange = try await TemporaryDirectory.with { directory in
            try await Self.exec(["--source", "ecr", "--region", "useast1"], image: "gcr.io/project/app", environment: [:], in: directory)
        }
        #expect(exchange.outcome.status == 64, "\(exchange.outcome.summary)")
        #expect(exchange.outcome.standardOutput.isEmpty && exchange.outcome.standardError.contains("--region: \"useast1\" is not an AWS region name"))
        #expect(!exchange.outcome.standardError.contains("spec.source"), "plugin mode names flags, not ClusterPullSecret fields")
    }

    // MARK: GCP

    @Test("GCP through the metadata server: the --registry host gets the token for half its lifetime; gcr.io gets 0s without a call")
    func gcpMetadataServer() async throws {
        let arguments = ["--source", "gcp", "--gcp-workload-identity", "--registry", "europe-docker.pkg.dev"]
        let (served, notServed, calls) = try await TemporaryDirectory.with { directory in
            let metadata = try await ProviderStandInProcess.start(in: directory)
            let environment: [String: String?] = ["GCE_METADATA_HOST": "127.0.0.1:\(metadata.port)"]
            let notServed = try await Self.exec(arguments, image: "gcr.io/project/app", environment: environment, in: directory)
            let callsBefore = metadata.requests
            let served = try await Self.exec(arguments, image: "europe-docker.pkg.dev/project/repo/app:1", environment: environment, in: directory)
            await metadata.stop()
            return (served, notServed, (before: callsBefore, after: metadata.requests))
        }
        let answer = try #require(notServed.response, "\(notServed.outcome.summary)")
        #expect(answer.auth.isEmpty && answer.cacheDuration == .zero)
        #expect(calls.before.isEmpty, "\(calls.before)")
        let response = try #require(served.response, "\(served.outcome.summary)")
        #expect(response.auth["europe-docker.pkg.dev"] == .init(username: "oauth2accesstoken", password: "ya29.stand-in-metadata-token"))
        let cacheDuration = try #require(response.cacheDuration)
        #expect(cacheDuration > .seconds(1700) && cacheDuration <= .seconds(1800), "half of the 3599 s the metadata server grants")
        #expect(calls.after.count == 1, "\(calls.after)")
    }

    @Test("GCP with a key file that is not there: the error names the flag and the file")
    func gcpMissingKeyFile() async throws {
        let exchange = try await TemporaryDirectory.with { directory in
            try await Self.exec(
                ["--source", "gcp", "--gcp-key-file", "/nonexistent/gcp.json", "--registry", "europe-docker.pkg.dev"],
                image: "europe-docker.pkg.dev/p/r/app", environment: [:], in: directory)
        }
        #expect(exchange.outcome.status != 0)
        #expect(exchange.outcome.standardError.contains("--gcp-key-file /nonexistent/gcp.json"), "\(exchange.outcome.summary)")
        #expect(!exchange.outcome.standardError.contains("namespace"), "\(exchange.outcome.summary)")
    }

    // MARK: GitHub App

    /// An app key pair made with openssl: the private key for regcred, the public one for the stand-in.
    static func appKey(in directory: TemporaryDirectory) async throws -> (privateKey: String, publicKey: String) {
        let privateKey = directory.path("app-key.pem"), publicKey = directory.path("app-key.pub.pem")
        try await ChildProcess.runTool("openssl", ["genrsa", "-out", privateKey, "2048"], home: directory.url)
        try await ChildProcess.runTool("openssl", ["rsa", "-in", privateKey, "-pubout", "-out", publicKey], home: directory.url)
        return (privateKey, publicKey)
    }

    static func githubArguments(api: String, key: String) -> [String] {
        ["--source", "github-app", "--app-id", "12345", "--installation-id", "678", "--private-key-file", key, "--github-api-url", api]
    }

    @Test("GitHub App: ghcr.io gets the installation token for half its lifetime; another registry gets 0s without a call")
    func githubApp() async throws {
        let (served, notServed, callsBefore) = try await TemporaryDirectory.with { directory in
            let key = try await Self.appKey(in: directory)
            let github = try await ProviderStandInProcess.start(in: directory, githubPublicKey: key.publicKey)
            let arguments = Self.githubArguments(api: github.baseURL, key: key.privateKey)
            let notServed = try await Self.exec(arguments, image: "quay.io/org/app", environment: [:], in: directory)
            let callsBefore = github.requests
            let served = try await Self.exec(arguments, image: "ghcr.io/org/app:1", environment: [:], in: directory)
            await github.stop()
            return (served, notServed, callsBefore)
        }
        let answer = try #require(notServed.response, "\(notServed.outcome.summary)")
        #expect(answer.auth.isEmpty && answer.cacheDuration == .zero)
        #expect(callsBefore.isEmpty, "\(callsBefore)")
        let response = try #require(served.response, "\(served.outcome.summary)")
        #expect(response.auth["ghcr.io"] == .init(username: "x-access-token", password: "ghs_standInInstallationToken"))
        let cacheDuration = try #require(response.cacheDuration)
        #expect(cacheDuration > .seconds(1700) && cacheDuration <= .seconds(1800), "half of the installation token's hour")
    }

    @Test("GitHub App: a token that is already expired is an error on standard error, not an answer")
    func githubAppExpiredToken() async throws {
        let exchange = try await TemporaryDirectory.with { directory in
            let key = try await Self.appKey(in: directory)
            let github = try await ProviderStandInProcess.start(in: directory, githubPublicKey: key.publicKey)
            let exchange = try await Self.exec(
                Self.githubArguments(api: github.baseURL + "/expired", key: key.privateKey), image: "ghcr.io/org/app", environment: [:],
                in: directory)
            await github.stop()
            return exchange
        }
        #expect(exchange.outcome.status == 69, "\(exchange.outcome.summary)")
        #expect(exchange.outcome.standardOutput.isEmpty)
        #expect(exchange.outcome.standardErrorLines.count == 1 && exchange.outcome.standardError.contains("expired at"), "\(exchange.outcome.summary)")
        #expect(!exchange.outcome.standardError.contains("ghs_standInInstallationToken"))
    }

    @Test("GitHub App unreachable: exit 69 with one line on standard error")
    func githubAppDown() async throws {
        let exchange = try await TemporaryDirectory.with { directory in
            let key = try await Self.appKey(in: directory)
            return try await Self.exec(
                Self.githubArguments(api: "http://127.0.0.1:1", key: key.privateKey), image: "ghcr.io/org/app", environment: [:], in: directory)
        }
        #expect(exchange.outcome.status == 69, "\(exchange.outcome.summary)")
        #expect(exchange.outcome.standardOutput.isEmpty && exchange.outcome.standardErrorLines.count == 1)
    }

    // MARK: ACR (its token exchange goes to the registry host itself, so only what needs no registry is run here)

    static func acrArguments(secretFile: String) -> [String] {
        ["--source", "acr", "--acr-registry", "example.azurecr.io", "--tenant-id", "tenant", "--client-id", "client", "--client-secret-file", secretFile]
    }

    @Test("ACR: an image of another registry gets 0s and Entra ID is not called")
    func acrNotServed() async throws {
        let (exchange, calls) = try await TemporaryDirectory.with { directory in
            let entra = try await ProviderStandInProcess.start(in: directory)
            let secret = try directory.write("client-secret\n", to: "client-secret")
            let exchange = try await Self.exec(
                Self.acrArguments(secretFile: secret), image: "other.azurecr.io/app", environment: ["AZURE_AUTHORITY_HOST": entra.baseURL],
                in: directory)
            await entra.stop()
            return (exchange, entra.requests)
        }
        let response = try #require(exchange.response, "\(exchange.outcome.summary)")
        #expect(response.auth.isEmpty && response.cacheDuration == .zero)
        #expect(calls.isEmpty, "\(calls)")
    }

    @Test("ACR with Entra ID unreachable: exit 69 with one line on standard error, no secret in it")
    func acrDown() async throws {
        let exchange = try await TemporaryDirectory.with { directory in
            let secret = try directory.write("client-secret-value\n", to: "client-secret")
            return try await Self.exec(
                Self.acrArguments(secretFile: secret), image: "example.azurecr.io/app", environment: ["AZURE_AUTHORITY_HOST": "http://127.0.0.1:1"],
                in: directory)
        }
        #expect(exchange.outcome.status == 69, "\(exchange.outcome.summary)")
        #expect(exchange.outcome.standardOutput.isEmpty && exchange.outcome.standardErrorLines.count == 1)
        #expect(!exchange.outcome.standardError.contains("client-secret-value"))
    }

    // MARK: the checker itself

    @Test("the response checker parses durations as Go's time.ParseDuration does", arguments: [
        ("0", Duration.zero), ("0s", .zero), ("6h0m0s", .seconds(21600)), ("1h2m5s", .seconds(3725)), ("1.5s", .milliseconds(1500)),
        ("300ms", .milliseconds(300)), ("+45s", .seconds(45)), (".5m", .seconds(30)), ("1h1h", .seconds(7200)),
    ])
    func goDurations(text: String, expected: Duration) throws {
        #expect(try GoParseDuration.parse(text) == expected)
    }

    @Test("the response checker refuses what time.ParseDuration refuses", arguments: ["", "6", "1d", "s", ".s", "1.2.3s", "6h 0m", "PT6H"])
    func goDurationRefusals(text: String) {
        #expect(throws: KubeletProviderResponse.Refusal.self) { try GoParseDuration.parse(text) }
    }

    @Test("the response checker refuses unknown fields, another apiVersion and unknown cache key types", arguments: [
        #"{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderResponse","cacheKeyType":"Registry","expiresAt":"x"}"#,
        #"{"apiVersion":"credentialprovider.kubelet.k8s.io/v1beta1","kind":"CredentialProviderResponse","cacheKeyType":"Registry"}"#,
        #"{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderResponse","cacheKeyType":"Host"}"#,
        #"{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderResponse","cacheKeyType":"Registry","auth":{"a":{"username":"u","auth":"x"}}}"#,
    ])
    func checkerRefusals(json: String) {
        #expect(throws: KubeletProviderResponse.Refusal.self) { try KubeletProviderResponse(decoding: Data(json.utf8), apiVersion: Self.v1) }
    }
}
