// A throw-away GNUPGHOME with one freshly generated key pair, for encrypt/decrypt round trips.
import Foundation
import TestPeers

struct GPGHome {
    let directory: URL
    let recipient: String

    /// The variables that make gpg (and regcred's gpg) use this home.
    var environment: [String: String] { ["GNUPGHOME": directory.path] }

    /// Generates a key for `regcred test <EMAIL>` without a passphrase, runs `body`, then stops
    /// the gpg-agent that this home started.
    static func withThrowAwayKey<T>(
        in temporary: TemporaryDirectory, email: String = "test@example.invalid",
        _ body: (GPGHome) async throws -> T
    ) async throws -> T {
        let directory = try temporary.makeDirectory("gnupg")
        let home = GPGHome(directory: directory, recipient: email)
        defer { home.stopAgent() }
        try await ChildProcess.runTool(
            "gpg",
            ["--batch", "--passphrase", "", "--quick-gen-key", "regcred test <\(email)>", "default", "default", "never"],
            home: directory, extraEnvironment: home.environment)
        return try await body(home)
    }

    /// `gpg --decrypt` of `armoured` with this home's secret key.
    func decrypt(_ armoured: String) async throws -> ProcessOutcome {
        try await ChildProcess.run(
            try InstalledTool.require("gpg"), arguments: ["--batch", "--quiet", "--decrypt"],
            standardInput: Data(armoured.utf8),
            environment: ChildProcess.cleanEnvironment(home: directory).merging(environment) { _, new in new })
    }

    private func stopAgent() {
        guard let gpgconf = InstalledTool.find("gpgconf") else { return }
        let process = Process()
        process.executableURL = gpgconf
        process.arguments = ["--kill", "all"]
        process.environment = ChildProcess.cleanEnvironment(home: directory).merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {}
    }
}
