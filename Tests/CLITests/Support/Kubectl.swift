// kubectl as the reference implementation of `create secret docker-registry`, run offline
// (--dry-run=client, an empty kubeconfig, a HOME of its own).
import Foundation
import TestPeers

enum Kubectl {
    static var isInstalled: Bool { InstalledTool.find("kubectl") != nil }

    /// `kubectl create secret docker-registry NAME … --dry-run=client -o json`.
    static func createDockerRegistrySecret(
        name: String, server: String, username: String, password: String, email: String?,
        namespace: String?, home: URL
    ) async throws -> ProcessOutcome {
        var arguments = [
            "--kubeconfig", "/dev/null", "create", "secret", "docker-registry", name,
            "--docker-server", server, "--docker-username", username, "--docker-password", password,
            "--dry-run=client", "-o", "json",
        ]
        if let email { arguments += ["--docker-email", email] }
        if let namespace { arguments += ["--namespace", namespace] }
        return try await ChildProcess.run(
            try InstalledTool.require("kubectl"), arguments: arguments,
            environment: ChildProcess.cleanEnvironment(home: home), timeout: .seconds(120))
    }
}
