// Bad input of every kind: one `error: …` line on stderr, the documented exit code, nothing on
// stdout, no password in any message, and an --in-place file left byte-identical.
import Foundation
import TestPeers
import RegcredCore
import Testing

@Suite("bad input")
struct BadInputTests {
    typealias Fixtures = BadInputFixtures
    static let canary = Fixtures.canary

    // MARK: - Documents that cannot be read

    enum Reader: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case show
        case match
        case updateInPlace = "update --in-place"
        case showFromStdin = "show -f -"
        var testDescription: String { rawValue }
    }

    @Test("an invalid document is exit 65 for every command that reads it (match and show: 1 where the kubelet reads or refuses it)", arguments: Fixtures.invalidDocuments, Reader.allCases)
    func invalidDocumentIsRefused(document: Fixtures.Document, reader: Reader) async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(document.text, to: "input")
            let outcome: ProcessOutcome
            switch reader {
            case .show: outcome = try await regcred.run(["show", "-f", file])
            case .match: outcome = try await regcred.run(["match", "nginx", "-f", file])
            case .updateInPlace:
                outcome = try await regcred.run(
                    ["update", "-f", file, "--password-env", "TOKEN", "--in-place"], environment: ["TOKEN": "new-token"])
            case .showFromStdin: outcome = try await regcred.run(["show", "-f", "-"], standardInput: document.text)
            }

            let findingByMatch = reader == .match && document.kubelet != .unreadable
            let findingByShow = (reader == .show || reader == .showFromStdin) && document.kubelet == .refused
            if findingByMatch || findingByShow {
                #expect(outcome.status == 1, "\(outcome.summary)")
                #expect(!(outcome.standardOutput + outcome.standardError).contains(Self.canary))
            } else {
                Self.expectCleanFailure(outcome, status: 65)
            }
            #expect(try directory.read("input") == Data(document.text.utf8), "the input file was changed")
        }
    }

    @Test("a file that does not exist is exit 66", arguments: [
        ["show", "-f", "missing.json"], ["match", "nginx", "-f", "missing.json"],
        ["update", "-f", "missing.json", "--password-env", "TOKEN"],
        ["update", "-f", "missing.json", "--password-env", "TOKEN", "--in-place"],
        ["profiles", "--profiles", "missing.yaml"],
        ["create", "pull", "--dry-run=client", "--registry", "registry.example.com", "--username", "bot", "--password-file", "missing-token"],
    ])
    func missingFileIsMissingInput(arguments: [String]) async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let outcome = try await regcred.run(arguments, environment: ["TOKEN": Self.canary])
            Self.expectCleanFailure(outcome, status: 66)
            #expect(outcome.standardError.contains("missing"), "the message should name the file: \(outcome.summary)")
            #expect(!FileManager.default.fileExists(atPath: regcred.home.appending(path: "missing.json").path))
        }
    }

    // MARK: - Entries the kubelet cannot use

    @Test("show exits 1 on an entry whose auth the kubelet cannot use", arguments: Fixtures.brokenEntries)
    func showReportsBrokenEntry(document: Fixtures.Document) async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(document.text, to: "config.json")

            let outcome = try await regcred.run(["show", "-f", file])

            #expect(outcome.status == 1, "\(outcome.summary)")
            #expect(outcome.standardOutput.contains(Fixtures.registry), "the report should name the entry")
            #expect(!(outcome.standardOutput + outcome.standardError).contains(Self.canary))
        }
    }

    @Test("show says the kubelet rejects a secret whose auth does not decode")
    func undecodableAuthIsExplained() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(Fixtures.brokenEntries[0].text, to: "config.json")

            let outcome = try await regcred.run(["show", "-f", file])

            #expect(outcome.status == 1)
            let said = (outcome.standardOutput + outcome.standardError).lowercased()
            #expect(said.contains("kubelet"), "\(outcome.summary)")
            #expect(said.contains("undecodable"), "\(outcome.summary)")
        }
    }

    @Test("show exits 1 on an expired token and 0 on a sound config")
    func showExitStatusFollowsTheCheck() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let expired = try await regcred.run(
                ["create", "pull", "--dry-run=client", "--registry", Fixtures.registry, "--username", "bot", "--password-env", "TOKEN",
                 "-o", "dockerconfigjson"],
                environment: ["TOKEN": Fixtures.expiredToken])
            try #require(expired.status == 0, "\(expired.summary)")
            let expiredFile = try directory.write(expired.standardOutputData, to: "expired.json")
            let soundFile = try directory.write(Fixtures.validSecretYAML, to: "sound.yaml")

            let expiredShow = try await regcred.run(["show", "-f", expiredFile])
            let soundShow = try await regcred.run(["show", "-f", soundFile])

            #expect(expiredShow.status == 1, "\(expiredShow.summary)")
            #expect(expiredShow.standardOutput.contains("2001-09-09"), "the expiry date should be shown")
            #expect(soundShow.status == 0, "\(soundShow.summary)")
        }
    }

    @Test("match exits 1 when no entry serves the image and 0 when one does")
    func matchExitStatusFollowsTheCheck() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(Fixtures.validConfig, to: "config.json")

            let miss = try await regcred.run(["match", "quay.io/team/app:1", "-f", file])
            let hit = try await regcred.run(["match", "registry.example.com/team/app:1", "-f", file])

            #expect(miss.status == 1, "\(miss.summary)")
            #expect(hit.status == 0, "\(hit.summary)")
            #expect(hit.standardOutput.contains(Fixtures.registry))
        }
    }

    // MARK: - Flags and password sources

    struct Invocation: Sendable, CustomTestStringConvertible {
        let label: String
        let arguments: [String]
        var standardInput: String? = nil
        var environment: [String: String] = [:]
        let status: Int32
        var testDescription: String { label }
    }

    static let create = ["create", "pull", "--dry-run=client", "--registry", "registry.example.com", "--username", "bot"]

    static let badCreates: [Invocation] = [
        Invocation(label: "no password source", arguments: create, status: 64),
        Invocation(
            label: "two password sources", arguments: create + ["--password-stdin", "--password-env", "TOKEN"],
            standardInput: canary, environment: ["TOKEN": canary], status: 64),
        Invocation(
            label: "unknown profile", arguments: ["create", "pull", "--dry-run=client", "--profile", "ibm-mars", "--password-env", "TOKEN"],
            environment: ["TOKEN": canary], status: 64),
        Invocation(
            label: "neither registry nor profile", arguments: ["create", "pull", "--dry-run=client", "--username", "bot", "--password-env", "TOKEN"],
            environment: ["TOKEN": canary], status: 64),
        Invocation(
            label: "unknown output format", arguments: create + ["--password-env", "TOKEN", "-o", "toml"],
            environment: ["TOKEN": canary], status: 64),
        Invocation(
            label: "--encrypt without gpg: prefix", arguments: create + ["--password-env", "TOKEN", "--encrypt", "age:x"],
            environment: ["TOKEN": canary], status: 64),
        Invocation(label: "empty stdin password", arguments: create + ["--password-stdin"], standardInput: "", status: 65),
        Invocation(
            label: "stdin password that is only a newline", arguments: create + ["--password-stdin"], standardInput: "\n",
            status: 65),
        Invocation(
            label: "empty environment password", arguments: create + ["--password-env", "TOKEN"],
            environment: ["TOKEN": ""], status: 65),
        Invocation(label: "unset environment variable", arguments: create + ["--password-env", "UNSET_TOKEN"], status: 66),
    ]

    @Test("create refuses bad flags and passwords with the documented exit code", arguments: badCreates)
    func badCreateIsRefused(invocation: Invocation) async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let outcome = try await regcred.run(
                invocation.arguments, standardInput: invocation.standardInput,
                environment: invocation.environment.mapValues { $0 })
            Self.expectCleanFailure(outcome, status: invocation.status)
        }
    }

    @Test("create refuses an empty password file with exit 65")
    func emptyPasswordFileIsRefused() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write("", to: "token")
            let outcome = try await regcred.run(Self.create + ["--password-file", file])
            Self.expectCleanFailure(outcome, status: 65)
        }
    }

    static let badInPlaceUpdates: [Invocation] = [
        Invocation(label: "no password source", arguments: [], status: 64),
        Invocation(label: "unset environment variable", arguments: ["--password-env", "UNSET_TOKEN"], status: 66),
        Invocation(label: "empty password", arguments: ["--password-stdin"], standardInput: "\n", status: 65),
        Invocation(label: "password file that does not exist", arguments: ["--password-file", "/nonexistent/token"], status: 66),
    ]

    @Test("a failed update --in-place leaves the file byte-identical", arguments: badInPlaceUpdates)
    func failedInPlaceUpdateLeavesFile(invocation: Invocation) async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(Fixtures.validSecretYAML, to: "secret.yaml")
            let before = try directory.read("secret.yaml")

            let outcome = try await regcred.run(
                ["update", "-f", file, "--in-place"] + invocation.arguments, standardInput: invocation.standardInput)

            Self.expectCleanFailure(outcome, status: invocation.status)
            #expect(try directory.read("secret.yaml") == before)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted() == [
                "regcred-home", "secret.yaml",
            ], "no temporary file may be left behind")
        }
    }

    @Test("update --in-place for a registry the file does not have fails and leaves the file byte-identical")
    func updateOfUnknownRegistryLeavesFile() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(Fixtures.validConfig, to: "config.json")

            let outcome = try await regcred.run(
                ["update", "-f", file, "--registry", "other.example.com", "--password-env", "TOKEN", "--in-place"],
                environment: ["TOKEN": "new-token"])

            #expect(outcome.status != 0)
            #expect(outcome.standardOutput.isEmpty)
            #expect(outcome.standardError.contains("other.example.com"), "\(outcome.summary)")
            #expect(!outcome.standardError.contains(Self.canary))
            #expect(try directory.read("config.json") == Data(Fixtures.validConfig.utf8))
        }
    }

    // MARK: - What is kept of a password

    struct StdinPassword: Sendable, CustomTestStringConvertible {
        let label: String
        let standardInput: String
        let password: String
        var testDescription: String { label }
    }

    static let stdinPasswords: [StdinPassword] = [
        StdinPassword(label: "trailing newline stripped", standardInput: "tok-1\n", password: "tok-1"),
        StdinPassword(label: "no newline kept as is", standardInput: "tok-2", password: "tok-2"),
        StdinPassword(
            label: "leading, inner and trailing spaces kept", standardInput: "  to ken  \n", password: "  to ken  "),
        StdinPassword(label: "tab kept", standardInput: "a\tb\n", password: "a\tb"),
        StdinPassword(label: "only one trailing newline stripped", standardInput: "tok-3\n\n", password: "tok-3\n"),
        StdinPassword(label: "colon and unicode kept", standardInput: "a:b:ü ✓\n", password: "a:b:ü ✓"),
    ]

    @Test("create keeps the stdin password exactly, less one trailing newline", arguments: stdinPasswords)
    func createKeepsStdinPassword(input: StdinPassword) async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let outcome = try await regcred.run(
                Self.create + ["--password-stdin", "-o", "dockerconfigjson"], standardInput: input.standardInput)
            try #require(outcome.status == 0, "\(outcome.summary)")
            let entry = try JSONValue(parsing: outcome.standardOutputData).authEntry(Fixtures.registry)
            #expect(entry?["password"] == .string(input.password))
            #expect(entry?.decodedAuth == "bot:\(input.password)")
        }
    }

    @Test("update keeps the stdin password exactly, less one trailing newline", arguments: stdinPasswords)
    func updateKeepsStdinPassword(input: StdinPassword) async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(Fixtures.validConfig, to: "config.json")
            let outcome = try await regcred.run(
                ["update", "-f", file, "--password-stdin"], standardInput: input.standardInput)
            try #require(outcome.status == 0, "\(outcome.summary)")
            let entry = try JSONValue(parsing: outcome.standardOutputData).authEntry(Fixtures.registry)
            #expect(entry?["password"] == .string(input.password))
            #expect(entry?.decodedAuth == "bot:\(input.password)")
        }
    }

    // MARK: - Passwords stay hidden

    @Test("show without --reveal prints a fingerprint, never the password or its auth", arguments: ["table", "json"])
    func showMasksPassword(format: String) async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(Fixtures.validSecretYAML, to: "secret.yaml")
            let digest = try await ChildProcess.runTool(
                "sha256sum", ["-"], standardInput: Data(Self.canary.utf8), home: regcred.home
            ).standardOutput.prefix(8)

            let outcome = try await regcred.run(["show", "-f", file, "-o", format])

            #expect(outcome.status == 0, "\(outcome.summary)")
            let said = outcome.standardOutput + outcome.standardError
            #expect(!said.contains(Self.canary))
            #expect(!said.contains(Fixtures.base64("bot:" + Self.canary)), "the auth field reveals the password")
            let fingerprint = "len \(Self.canary.utf8.count), sha256:\(digest)"
            #expect(said.contains(fingerprint), "expected the fingerprint \(fingerprint): \(outcome.summary)")
            if format == "json" { #expect(throws: Never.self) { try JSONValue(parsing: outcome.standardOutputData) } }
        }
    }

    @Test("show --reveal prints the password")
    func showRevealsOnRequest() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(Fixtures.validSecretYAML, to: "secret.yaml")
            let outcome = try await regcred.run(["show", "-f", file, "--reveal"])
            #expect(outcome.status == 0, "\(outcome.summary)")
            #expect(outcome.standardOutput.contains(Self.canary))
        }
    }

    // MARK: - The shape of every failure

    /// The documented exit code, nothing on stdout, one `error: …` line on stderr, no password in it.
    @Test("an API server that is down is one error line and exit 69, whatever the command", arguments: [
        ["show", "pull"], ["update", "pull", "--password-env", "TOKEN"], ["delete", "pull"],
    ])
    func serverDownIsOneErrorLine(arguments: [String]) async throws {
        try await TemporaryDirectory.with { directory in
            let port = try FreePort.pick()
            let kubeconfig = try directory.write("""
                apiVersion: v1
                kind: Config
                clusters: [{name: down, cluster: {server: "http://127.0.0.1:\(port)"}}]
                users: [{name: u, user: {token: not-used}}]
                contexts: [{name: down, context: {cluster: down, user: u}}]
                current-context: down
                """, to: "kubeconfig")
            let regcred = try RegcredProcess(in: directory, environment: ["TOKEN": Self.canary])
            let outcome = try await regcred.run(arguments + ["--kubeconfig", kubeconfig, "-n", "apps"])
            Self.expectCleanFailure(outcome, status: 69)
            #expect(outcome.standardError.contains("cannot reach http://127.0.0.1:\(port)"))
        }
    }

    static func expectCleanFailure(
        _ outcome: ProcessOutcome, status: Int32, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(outcome.status == status, "\(outcome.summary)", sourceLocation: sourceLocation)
        #expect(outcome.standardOutput.isEmpty, "stdout must be empty on error", sourceLocation: sourceLocation)
        #expect(
            outcome.standardErrorLines.count == 1 && outcome.standardError.hasPrefix("error: "),
            "stderr must be one `error: …` line: \(outcome.standardError)", sourceLocation: sourceLocation)
        #expect(!outcome.standardError.contains(canary), "stderr leaks the password", sourceLocation: sourceLocation)
    }
}
