// `regcred create` must produce what `kubectl create secret docker-registry` produces for the
// same inputs: same Secret kind, type, name and namespace, and an equal decoded .dockerconfigjson.
import Foundation
import TestPeers
import RegcredCore
import Testing

@Suite("kubectl parity", .enabled(if: Kubectl.isInstalled, "kubectl is not installed; parity with it cannot be checked"))
struct KubectlParityTests {
    struct Input: Sendable, CustomTestStringConvertible {
        let label: String
        let name: String
        let server: String
        let username: String
        let password: String
        let email: String?
        let namespace: String?

        var testDescription: String { label }
    }

    static let inputs: [Input] = [
        Input(
            label: "simple", name: "simple", server: "registry.example.com", username: "alice",
            password: "s3cret", email: nil, namespace: nil),
        Input(
            label: "password with colons and unicode", name: "unicode", server: "registry.example.com",
            username: "jürgen", password: "pa:ss:wörd ✓ 🚀 \"q\" \\ end", email: nil, namespace: nil),
        Input(
            label: "with email", name: "with-email", server: "registry.example.com", username: "bot",
            password: "tok-123", email: "ops@example.com", namespace: "apps"),
        Input(
            label: "Docker Hub legacy key", name: "hub", server: "https://index.docker.io/v1/", username: "hubuser",
            password: "dckr_pat_abc", email: nil, namespace: nil),
        Input(
            label: "host with port", name: "port", server: "registry.example.com:5000", username: "ci",
            password: "p@ss/word+=", email: "ci@example.com", namespace: "team-a"),
    ]

    @Test("create -o json equals kubectl's Secret", arguments: inputs)
    func createJSONMatchesKubectl(input: Input) async throws {
        try await TemporaryDirectory.with { directory in
            let ours = try await Self.regcredCreate(input, output: "json", in: directory)
            let theirs = try await Self.kubectlCreate(input, in: directory)

            let ourSecret = try JSONValue(parsing: ours.standardOutputData)
            let theirSecret = try JSONValue(parsing: theirs.standardOutputData)
            #expect(ourSecret["kind"] == theirSecret["kind"])
            #expect(ourSecret["apiVersion"] == theirSecret["apiVersion"])
            #expect(ourSecret["type"] == theirSecret["type"])
            #expect(ourSecret["type"] == .string("kubernetes.io/dockerconfigjson"))
            #expect(ourSecret["metadata"]?["name"] == theirSecret["metadata"]?["name"])
            #expect(ourSecret["metadata"]?["namespace"] == theirSecret["metadata"]?["namespace"])
            #expect(ourSecret["data"]?.objectValue?.keys.sorted() == [".dockerconfigjson"])
            #expect(try ourSecret.decodedSecretData() == theirSecret.decodedSecretData())
        }
    }

    @Test("create -o dockerconfigjson prints kubectl's decoded .dockerconfigjson", arguments: inputs)
    func rawDockerConfigMatchesKubectl(input: Input) async throws {
        try await TemporaryDirectory.with { directory in
            let ours = try await Self.regcredCreate(input, output: "dockerconfigjson", in: directory)
            let theirs = try await Self.kubectlCreate(input, in: directory)

            let expected = try JSONValue(parsing: theirs.standardOutputData).decodedSecretData()
            #expect(try JSONValue(parsing: ours.standardOutputData) == expected)
            // Compact: one line of JSON, as it would be stored in a variable or a file.
            #expect(ours.standardOutput.trimmingCharacters(in: .newlines).contains("\n") == false)
        }
    }

    @Test("create -o env prints NAME_64 holding kubectl's .dockerconfigjson", arguments: inputs)
    func envOutputMatchesKubectl(input: Input) async throws {
        try await TemporaryDirectory.with { directory in
            let ours = try await Self.regcredCreate(
                input, output: "env", extraArguments: ["--env-name", "REGISTRY_CREDS"], in: directory)
            let theirs = try await Self.kubectlCreate(input, in: directory)

            let line = ours.standardOutput.trimmingCharacters(in: .newlines)
            #expect(line.hasPrefix("REGISTRY_CREDS_64="))
            let value = String(line.dropFirst("REGISTRY_CREDS_64=".count))
            let expected = try JSONValue(parsing: theirs.standardOutputData).decodedSecretData()
            #expect(try JSONValue(parsing: Base64Text.decode(value)) == expected)
        }
    }

    // MARK: - Running both sides

    private static func regcredCreate(
        _ input: Input, output: String, extraArguments: [String] = [], in directory: TemporaryDirectory
    ) async throws -> ProcessOutcome {
        var arguments = [
            "create", input.name, "--dry-run=client", "--registry", input.server, "--username", input.username,
            "--password-env", "REGCRED_TEST_PASSWORD", "-o", output,
        ]
        if let email = input.email { arguments += ["--email", email] }
        if let namespace = input.namespace { arguments += ["-n", namespace] }
        let outcome = try await RegcredProcess(in: directory).run(
            arguments + extraArguments, environment: ["REGCRED_TEST_PASSWORD": input.password])
        try #require(outcome.status == 0, "regcred create failed: \(outcome.summary)")
        #expect(outcome.standardError.isEmpty)
        return outcome
    }

    private static func kubectlCreate(_ input: Input, in directory: TemporaryDirectory) async throws -> ProcessOutcome {
        let outcome = try await Kubectl.offline(home: try directory.makeDirectory("kubectl-home")).createDockerRegistrySecret(
            name: input.name, server: input.server, username: input.username, password: input.password,
            email: input.email, namespace: input.namespace)
        try #require(outcome.status == 0, "kubectl failed: \(outcome.summary)")
        return outcome
    }
}
