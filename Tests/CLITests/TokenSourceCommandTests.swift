// `create --source` end to end: the built binary mints an ECR token from moto_server on 127.0.0.1
// (SigV4-signed, credentials from the environment, as the AWS chain reads them) and prints a pull
// secret. `credential-provider` has its own tests (CredentialProviderTests).
import Foundation
import TestPeers
import Testing

/// moto_server through the launcher the CredentialSources tests use (it prints its port and
/// exits when its standard input closes).
final class MotoProcess: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    let port: Int

    /// Starts moto; waiting for its first line blocks a dispatch thread, not one of the few
    /// concurrency threads every other test needs.
    static func start() async throws -> MotoProcess {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try MotoProcess() }) }
        }
    }

    private init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CredentialSourcesTests/Support/Python/moto_server.py")
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw TestSupportError.unexpectedOutput("moto_server.py printed no port")
        }
        self.port = port
    }

    /// Closes moto's stdin (the launcher exits on EOF), then SIGTERM; polls instead of blocking.
    func stop() async {
        try? input.fileHandleForWriting.close()
        for attempt in 0..<100 where process.isRunning {
            if attempt == 40 { process.terminate() }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}

@Suite("Token sources in the CLI", .serialized)
struct TokenSourceCommandTests {
    static func environment(_ moto: MotoProcess) -> [String: String?] {
        [
            "AWS_ACCESS_KEY_ID": "AKIACLITEST", "AWS_SECRET_ACCESS_KEY": "cli-test-secret-key", "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:\(moto.port)",
        ]
    }

    @Test("create --source ecr mints one token per region and prints a pull secret; no secret key in any output")
    func createFromECR() async throws {
        let moto = try await MotoProcess.start()
        let outcome = try await TemporaryDirectory.with { directory in
            try await RegcredProcess(in: directory).run(
                ["create", "ecr-pull", "--source", "ecr", "--region", "us-east-1", "--region", "eu-west-1", "-o", "dockerconfigjson"],
                environment: Self.environment(moto))
        }
        await moto.stop()
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
