// skopeo as a real consumer of the docker config files regcred writes (`--authfile`),
// trusting the test registry's CA over real TLS.
import Foundation
import TestPeers

struct Skopeo {
    private let executable: URL
    private let home: URL
    private let policyFile: URL
    private let trustDirectory: URL

    /// A skopeo that trusts the CA in `trustDirectory` and accepts any image (its own policy file,
    /// so the machine's /etc/containers/policy.json does not matter).
    init(in directory: TemporaryDirectory, trusting trustDirectory: URL) throws {
        self.executable = try InstalledTool.require("skopeo")
        self.home = try directory.makeDirectory("skopeo-home")
        self.policyFile = directory.file("skopeo-policy.json")
        self.trustDirectory = trustDirectory
        try Data(#"{"default":[{"type":"insecureAcceptAnything"}]}"#.utf8).write(to: policyFile)
    }

    /// `skopeo copy oci:LAYOUT:TAG docker://REFERENCE --authfile AUTHFILE`.
    func push(layout: URL, tag: String, to reference: String, authFile: String) async throws -> ProcessOutcome {
        try await run([
            "--policy", policyFile.path, "copy", "--dest-cert-dir", trustDirectory.path, "--authfile", authFile,
            "oci:\(layout.path):\(tag)", "docker://\(reference)",
        ])
    }

    /// `skopeo inspect docker://REFERENCE --authfile AUTHFILE`.
    func inspect(_ reference: String, authFile: String) async throws -> ProcessOutcome {
        try await run([
            "--policy", policyFile.path, "inspect", "--cert-dir", trustDirectory.path, "--authfile", authFile,
            "docker://\(reference)",
        ])
    }

    private func run(_ arguments: [String]) async throws -> ProcessOutcome {
        try await ChildProcess.run(
            executable, arguments: arguments, environment: ChildProcess.cleanEnvironment(home: home),
            currentDirectory: home, timeout: .seconds(180))
    }
}
