// Exec credential plugins, with a tiny shell script as the plugin: output parsing, caching until
// expiry, re-running after a 401, the environment it receives, and failures.
import Foundation
import Synchronization
import Testing
@testable import KubernetesClient

@Suite struct ExecCredentialProviderTests {
    /// A plugin that counts its runs in a file and prints a token numbered by run.
    static func plugin(in folder: borrowing TemporaryFolder, expiry: String = "2030-01-01T00:00:00Z", apiVersion: String = ExecConfig.v1) throws -> String {
        try folder.write("plugin.sh", """
        #!/bin/sh
        count_file="$(dirname "$0")/runs"
        n=$(($(cat "$count_file" 2>/dev/null || echo 0) + 1))
        echo "$n" > "$count_file"
        echo "$KUBERNETES_EXEC_INFO" > "$(dirname "$0")/exec-info"
        echo "$GREETING $1" > "$(dirname "$0")/seen"
        printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"token-%s","expirationTimestamp":"%s"}}' "\(apiVersion)" "$n" "\(expiry)"
        """, executable: true)
    }

    @Test func runsThePluginWithArgsEnvAndExecInfo() async throws {
        let folder = try TemporaryFolder()
        let command = try Self.plugin(in: folder)
        let config = ExecConfig(command: command, args: ["hello"], env: [.init(name: "GREETING", value: "hi")], provideClusterInfo: true)
        let cluster = ExecClusterInfo(server: "https://k:6443", tlsServerName: nil, insecureSkipTLSVerify: false, certificateAuthorityData: Data("CA".utf8))
        let provider = ExecCredentialProvider(config: config, clusterInfo: cluster)
        let credential = try await provider.credential()
        #expect(credential.token?.value == "token-1")
        let seen = try String(contentsOfFile: folder.path + "/seen", encoding: .utf8)
        #expect(seen == "hi hello\n")
        let info = try String(contentsOfFile: folder.path + "/exec-info", encoding: .utf8)
        #expect(info.contains("\"kind\":\"ExecCredential\""))
        #expect(info.contains("\"apiVersion\":\"client.authentication.k8s.io/v1\""))
        #expect(info.contains("\"interactive\":false"))
        #expect(info.contains("\"server\":\"https://k:6443\""))
        #expect(info.contains("\"certificate-authority-data\":\"Q0E=\""))
    }

    @Test func cachesUntilExpirationThenRunsAgain() async throws {
        let folder = try TemporaryFolder()
        let command = try Self.plugin(in: folder, expiry: "2030-01-01T00:00:00Z")
        let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))  // 2027
        let provider = ExecCredentialProvider(config: ExecConfig(command: command), now: { now.withLock { $0 } })
        #expect(try await provider.credential().token?.value == "token-1")
        #expect(try await provider.credential().token?.value == "token-1")
        #expect(await provider.runs == 1)
        now.withLock { $0 = Date(timeIntervalSince1970: 1_900_000_000) }  // after 2030-01-01
        #expect(try await provider.credential().token?.value == "token-2")
        #expect(await provider.runs == 2)
    }

    @Test func concurrentCallersShareOneRun() async throws {
        let folder = try TemporaryFolder()
        let command = try Self.plugin(in: folder)
        let provider = ExecCredentialProvider(config: ExecConfig(command: command))
        try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<8 { group.addTask { try await provider.credential().token?.value } }
            for try await token in group { #expect(token == "token-1") }
        }
        #expect(await provider.runs == 1)
    }

    @Test func invalidatingTheRejectedCredentialRunsThePluginAgain() async throws {
        let folder = try TemporaryFolder()
        let command = try Self.plugin(in: folder)
        let provider = ExecCredentialProvider(config: ExecConfig(command: command))
        let first = try await provider.credential()
        await provider.invalidate(rejected: first)
        #expect(try await provider.credential().token?.value == "token-2")
        // A stale rejection does not throw away the newer credential.
        await provider.invalidate(rejected: first)
        #expect(try await provider.credential().token?.value == "token-2")
    }

    @Test func aMismatchedAPIVersionIsRejected() async throws {
        let folder = try TemporaryFolder()
        let command = try Self.plugin(in: folder, apiVersion: ExecConfig.v1beta1)
        let provider = ExecCredentialProvider(config: ExecConfig(command: command))
        let error = await #expect(throws: AuthenticationError.self) { try await provider.credential() }
        #expect(error?.description.contains("does not match the kubeconfig's client.authentication.k8s.io/v1") == true)
    }

    @Test func aFailingPluginReportsItsStderrAndNeverAToken() async throws {
        let folder = try TemporaryFolder()
        let command = try folder.write("fail.sh", "#!/bin/sh\necho 'login expired, run aws sso login' >&2\nexit 3\n", executable: true)
        let provider = ExecCredentialProvider(config: ExecConfig(command: command))
        let error = await #expect(throws: AuthenticationError.self) { try await provider.credential() }
        #expect(error == .execFailed(command: command, status: "exit code 3", stderr: "login expired, run aws sso login"))
    }

    @Test func aMissingPluginShowsTheInstallHint() async throws {
        let provider = ExecCredentialProvider(config: ExecConfig(command: "/nonexistent/aws-iam-authenticator", installHint: "install it with brew"))
        let error = await #expect(throws: AuthenticationError.self) { try await provider.credential() }
        #expect(error?.description == "exec credential plugin \"/nonexistent/aws-iam-authenticator\" not found: install it with brew")
    }

    @Test func interactiveOnlyPluginsAreRefused() async throws {
        let provider = ExecCredentialProvider(config: ExecConfig(command: "x", interactiveMode: "Always"))
        await #expect(throws: AuthenticationError.execInteractiveRequired(command: "x")) { try await provider.credential() }
    }

    @Test(arguments: [
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}}"#, "status has neither token nor clientCertificateData/clientKeyData"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"C"}}"#, "status.clientCertificateData is set without status.clientKeyData"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"Other"}"#, "kind is \"Other\", expected ExecCredential"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"soon"}}"#, "status.expirationTimestamp \"soon\" is not an RFC 3339 time"),
    ])
    func badOutputIsExplained(output: String, detail: String) throws {
        #expect(throws: ExecCredentialParseError(detail: detail)) {
            try ExecCredential.parse(Data(output.utf8), expectedAPIVersion: ExecConfig.v1)
        }
    }

    @Test func clientCertificateCredentialsParse() throws {
        let output = #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}}"#
        let credential = try ExecCredential.parse(Data(output.utf8), expectedAPIVersion: ExecConfig.v1)
        #expect(credential.clientCertificatePEM == Data("CERT".utf8))
        #expect(credential.clientKeyPEM?.value == Data("KEY".utf8))
        #expect(credential.expirationTimestamp == nil)
        #expect(!"\(credential)".contains("KEY\""))
    }
}
