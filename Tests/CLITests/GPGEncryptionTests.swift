// --encrypt gpg:RECIPIENT: output is ASCII-armoured, decrypts (with a real gpg and a
// throw-away key) to exactly the unencrypted output, and gpg failures are exit 69 with nothing printed.
import Foundation
import TestPeers
import RegcredCore
import Testing

@Suite("gpg encryption")
struct GPGEncryptionTests {
    static let password = "gpg-test-token:ü"
    static let createArguments = [
        "create", "pull", "--dry-run=client", "--registry", "registry.example.com", "--username", "bot", "--password-env", "TOKEN",
        "-n", "apps",
    ]

    @Test("create --encrypt prints an armoured message that decrypts to the plain output")
    func createEncryptsForRecipient() async throws {
        try await TemporaryDirectory.with { directory in
            try await GPGHome.withThrowAwayKey(in: directory) { gpg in
                let regcred = try RegcredProcess(in: directory, environment: gpg.environment)
                let plain = try await regcred.run(Self.createArguments, environment: ["TOKEN": Self.password])
                try #require(plain.status == 0, "\(plain.summary)")

                let encrypted = try await regcred.run(
                    Self.createArguments + ["--encrypt", "gpg:\(gpg.recipient)"], environment: ["TOKEN": Self.password])

                try #require(encrypted.status == 0, "\(encrypted.summary)")
                #expect(encrypted.standardOutput.hasPrefix("-----BEGIN PGP MESSAGE-----"))
                #expect(encrypted.standardOutput.contains("-----END PGP MESSAGE-----"))
                #expect(!encrypted.standardOutput.contains(Self.password))
                let decrypted = try await gpg.decrypt(encrypted.standardOutput)
                try #require(decrypted.status == 0, "\(decrypted.summary)")
                #expect(decrypted.standardOutput == plain.standardOutput)
            }
        }
    }

    @Test("update --encrypt prints an armoured message that decrypts to the plain update")
    func updateEncryptsForRecipient() async throws {
        try await TemporaryDirectory.with { directory in
            try await GPGHome.withThrowAwayKey(in: directory) { gpg in
                let regcred = try RegcredProcess(in: directory, environment: gpg.environment)
                let created = try await regcred.run(
                    Self.createArguments + ["-o", "json"], environment: ["TOKEN": "old-token"])
                try #require(created.status == 0, "\(created.summary)")
                let secretFile = try directory.write(created.standardOutputData, to: "secret.json")
                let update = ["update", "-f", secretFile, "--password-env", "TOKEN"]
                let plain = try await regcred.run(update, environment: ["TOKEN": Self.password])
                try #require(plain.status == 0, "\(plain.summary)")

                let encrypted = try await regcred.run(
                    update + ["--encrypt", "gpg:\(gpg.recipient)"], environment: ["TOKEN": Self.password])

                try #require(encrypted.status == 0, "\(encrypted.summary)")
                #expect(encrypted.standardOutput.hasPrefix("-----BEGIN PGP MESSAGE-----"))
                let decrypted = try await gpg.decrypt(encrypted.standardOutput)
                #expect(decrypted.standardOutput == plain.standardOutput)
            }
        }
    }

    @Test("update --in-place --encrypt writes the encrypted document to the file")
    func updateInPlaceWritesCiphertext() async throws {
        try await TemporaryDirectory.with { directory in
            try await GPGHome.withThrowAwayKey(in: directory) { gpg in
                let regcred = try RegcredProcess(in: directory, environment: gpg.environment)
                let created = try await regcred.run(
                    Self.createArguments + ["-o", "dockerconfigjson"], environment: ["TOKEN": "old-token"])
                try #require(created.status == 0, "\(created.summary)")
                let configFile = try directory.write(created.standardOutputData, to: "config.json")

                let updated = try await regcred.run(
                    ["update", "-f", configFile, "--password-env", "TOKEN", "--in-place", "--encrypt",
                     "gpg:\(gpg.recipient)"],
                    environment: ["TOKEN": Self.password])

                try #require(updated.status == 0, "\(updated.summary)")
                let written = String(decoding: try directory.read("config.json"), as: UTF8.self)
                #expect(written.hasPrefix("-----BEGIN PGP MESSAGE-----"))
                let decrypted = try await gpg.decrypt(written)
                let config = try JSONValue(parsing: decrypted.standardOutputData)
                #expect(config.authEntry("registry.example.com")?.decodedAuth == "bot:\(Self.password)")
            }
        }
    }

    @Test("an unknown recipient is exit 69 with one clear line and nothing on stdout")
    func unknownRecipientIsUnavailable() async throws {
        try await TemporaryDirectory.with { directory in
            try await GPGHome.withThrowAwayKey(in: directory) { gpg in
                let regcred = try RegcredProcess(in: directory, environment: gpg.environment)

                let outcome = try await regcred.run(
                    Self.createArguments + ["--encrypt", "gpg:nobody@example.invalid"],
                    environment: ["TOKEN": Self.password])

                #expect(outcome.status == 69)
                #expect(outcome.standardOutput.isEmpty)
                #expect(outcome.standardErrorLines.count == 1, "\(outcome.summary)")
                #expect(outcome.standardError.hasPrefix("error: "))
                #expect(outcome.standardError.contains("nobody@example.invalid"))
                #expect(!outcome.standardError.contains(Self.password))
            }
        }
    }

    @Test("an unknown recipient leaves an --in-place file byte-identical")
    func unknownRecipientLeavesFileUntouched() async throws {
        try await TemporaryDirectory.with { directory in
            try await GPGHome.withThrowAwayKey(in: directory) { gpg in
                let regcred = try RegcredProcess(in: directory, environment: gpg.environment)
                let created = try await regcred.run(
                    Self.createArguments + ["-o", "yaml"], environment: ["TOKEN": "old-token"])
                try #require(created.status == 0, "\(created.summary)")
                let secretFile = try directory.write(created.standardOutputData, to: "secret.yaml")

                let outcome = try await regcred.run(
                    ["update", "-f", secretFile, "--password-env", "TOKEN", "--in-place", "--encrypt",
                     "gpg:nobody@example.invalid"],
                    environment: ["TOKEN": Self.password])

                #expect(outcome.status == 69)
                #expect(outcome.standardOutput.isEmpty)
                #expect(try directory.read("secret.yaml") == created.standardOutputData)
            }
        }
    }

    @Test("without gpg on PATH, --encrypt is exit 69 naming gpg and prints nothing")
    func missingGPGIsUnavailable() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let emptyPath = try directory.makeDirectory("empty-bin")

            let outcome = try await regcred.run(
                Self.createArguments + ["--encrypt", "gpg:test@example.invalid"],
                environment: ["TOKEN": Self.password, "PATH": emptyPath.path])

            #expect(outcome.status == 69)
            #expect(outcome.standardOutput.isEmpty)
            #expect(outcome.standardErrorLines.count == 1, "\(outcome.summary)")
            #expect(outcome.standardError.hasPrefix("error: "))
            #expect(outcome.standardError.contains("gpg"))
        }
    }
}
