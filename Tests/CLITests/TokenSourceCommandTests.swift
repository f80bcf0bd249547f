// `create --source` end to end: the built binary mints an ECR token from moto_server on 127.0.0.1
// (SigV4-signed, credentials from the environment, as the AWS chain reads them) and prints a pull
// secret. `credential-provider` has its own tests (CredentialProviderTests).
import Foundation
import TestPeers
import Testing

@Suite("Token sources in the CLI", .serialized)
struct TokenSourceCommandTests {
    static func environment(_ moto: MotoServer) -> [String: String?] {
        [
            "AWS_ACCESS_KEY_ID": "AKIACLITEST", "AWS_SECRET_ACCESS_KEY": "cli-test-secret-key", "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:\(moto.port)",
        ]
    }

    @Test("create --source ecr mints one token per region and prints a pull secret; no secret key in any output")
    func createFromECR() async throws {
        let outcome = try await MotoServer.with { moto in
            try await TemporaryDirectory.with { directory in
                try await RegcredProcess(in: directory).run(
                    ["create", "ecr-pull", "--source", "ecr", "--region", "us-east-1", "--region", "eu-west-1", "-o", "dockerconfigjson"],
                    environment: Self.environment(moto))
            }
        }
        #expect(outcome.status == 0, "\(outcome.summary)")
        let config = try #require(try JSONSerialization.jsonObject(with: outcome.standardOutputData) as? [String: Any])
        let auths = try #require(config["auths"] as? [String: Any])
        #expect(auths.keys.sorted().count == 2)
        #expect(auths.keys.allSatisfy { $0.contains(".dkr.ecr.") && ($0.hasSuffix("us-east-1.amazonaws.com") || $0.hasSuffix("eu-west-1.amazonaws.com")) })
        #expect(!outcome.standardOutput.contains("cli-test-secret-key") && !outcome.standardError.contains("cli-test-secret-key"))
    }

    @Test("without AWS credentials: a one-line error naming what to set, exit 64, nothing printed")
    func noCredentials() async throws {
        let outcome = try await TemporaryDirectory.with { directory in
            try await RegcredProcess(in: directory).run(
                ["create", "ecr-pull", "--source", "ecr", "--region", "us-east-1", "--dry-run=client"],
                environment: ["AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"])
        }
        #expect(outcome.status != 0)
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.standardErrorLines.count == 1 && outcome.standardError.contains("AWS_ACCESS_KEY_ID"), "\(outcome.summary)")
    }

    @Test("flags of one source without --source, and a password with --source, are usage errors", arguments: [
        ["create", "x", "--region", "us-east-1", "--registry", "ghcr.io", "--username", "u", "--password-env", "P"],
        ["create", "x", "--source", "ecr", "--region", "us-east-1", "--password-env", "P"],
        ["credential-provider"],
    ])
    func usage(arguments: [String]) async throws {
        let outcome = try await TemporaryDirectory.with { directory in
            try await RegcredProcess(in: directory).run(arguments, environment: ["P": "x"])
        }
        #expect(outcome.status == 64, "\(outcome.summary)")
    }
}
