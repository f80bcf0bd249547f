// ExecCredentialProvider: runs an exec credential plugin (with its args, env and
// KUBERNETES_EXEC_INFO), caches the credential until its expirationTimestamp, runs the plugin
// once for many concurrent callers, and runs it again after the server answers 401.
import Foundation
import Logging
import RegcredCore
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

public actor ExecCredentialProvider {
    /// What the provider asks a runner to execute.
    public struct Invocation: Sendable, Equatable {
        public var command: String
        public var arguments: [String]
        /// Added to the inherited environment.
        public var environment: [String: String]
    }

    /// What a run produced: exit code, standard output, standard error.
    public struct Output: Sendable {
        public var exitCode: Int32
        public var standardOutput: Data
        public var standardError: String
        public init(exitCode: Int32, standardOutput: Data, standardError: String) {
            self.exitCode = exitCode
            self.standardOutput = standardOutput
            self.standardError = standardError
        }
    }

    public typealias Runner = @Sendable (Invocation) async throws -> Output

    public let config: ExecConfig
    private let clusterInfo: ExecClusterInfo?
    private let now: @Sendable () -> Date
    private let runner: Runner
    private let logger: Logger
    private var cached: ExecCredential?
    private var inFlight: Task<ExecCredential, any Error>?
    /// How often the plugin ran; tests check caching with it.
    public private(set) var runs = 0

    public init(config: ExecConfig, clusterInfo: ExecClusterInfo? = nil, now: @escaping @Sendable () -> Date = { Date() },
                logger: Logger = Logger(label: "regcred.kubernetes.exec"), runner: Runner? = nil) {
        self.config = config
        self.clusterInfo = clusterInfo
        self.now = now
        self.logger = logger
        self.runner = runner ?? ExecCredentialProvider.runSubprocess
    }

    /// A valid credential: the cached one, or a fresh one from the plugin.
    public func credential() async throws -> ExecCredential {
        if let cached, cached.isValid(at: now()) { return cached }
        if let inFlight { return try await inFlight.value }
        let task = Task { try await self.runPlugin() }
        inFlight = task
        defer { inFlight = nil }
        let credential = try await task.value
        cached = credential
        return credential
    }

    /// The server rejected `rejected` (401): forget it so the next call runs the plugin. A
    /// credential refreshed meanwhile by another caller is kept.
    public func invalidate(rejected: ExecCredential?) {
        if rejected == nil || cached == rejected { cached = nil }
    }

    private func runPlugin() async throws -> ExecCredential {
        if config.interactiveMode == "Always" { throw AuthenticationError.execInteractiveRequired(command: config.command) }
        runs += 1
        var environment: [String: String] = [:]
        for variable in config.env { environment[variable.name] = variable.value }
        environment["KUBERNETES_EXEC_INFO"] = Self.execInfo(config: config, cluster: clusterInfo)
        let invocation = Invocation(command: config.command, arguments: config.args, environment: environment)
        logger.debug("running exec credential plugin", metadata: ["command": "\(config.command)"])
        let output = try await runner(invocation)
        guard output.exitCode == 0 else {
            if output.exitCode == 127 { throw AuthenticationError.execNotFound(command: config.command, installHint: config.installHint) }
            throw AuthenticationError.execFailed(
                command: config.command, status: "exit code \(output.exitCode)",
                stderr: String(output.standardError.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500)))
        }
        do {
            return try ExecCredential.parse(output.standardOutput, expectedAPIVersion: config.apiVersion)
        } catch {
            throw AuthenticationError.execBadOutput(command: config.command, detail: error.detail)
        }
    }

    /// The ExecCredential object passed in KUBERNETES_EXEC_INFO: never interactive (we have no
    /// terminal to lend), with the cluster when `provideClusterInfo` asks for it.
    public static func execInfo(config: ExecConfig, cluster: ExecClusterInfo?) -> String {
        var spec: [String: JSONValue] = ["interactive": .bool(false)]
        if config.provideClusterInfo, let cluster {
            var info: [String: JSONValue] = ["server": .string(cluster.server)]
            if let name = cluster.tlsServerName { info["tls-server-name"] = .string(name) }
            if cluster.insecureSkipTLSVerify { info["insecure-skip-tls-verify"] = .bool(true) }
            if let ca = cluster.certificateAuthorityData { info["certificate-authority-data"] = .string(ca.base64EncodedString()) }
            spec["cluster"] = .object(info)
        }
        let object: JSONValue = .object([
            "apiVersion": .string(config.apiVersion), "kind": .string("ExecCredential"), "spec": .object(spec),
        ])
        return object.encodedString()
    }

    @Sendable static func runSubprocess(_ invocation: Invocation) async throws -> Output {
        let executable: Executable = invocation.command.contains("/")
            ? .path(FilePath(invocation.command)) : .name(invocation.command)
        var updates: [Environment.Key: String?] = [:]
        for (name, value) in invocation.environment { updates[Environment.Key(stringLiteral: name)] = value }
        do {
            let result = try await Subprocess.run(
                executable, arguments: Arguments(invocation.arguments),
                environment: .inherit.updating(updates),
                output: .bytes(limit: 4 << 20), error: .string(limit: 64 << 10))
            let code: Int32
            switch result.terminationStatus {
            case .exited(let exit): code = Int32(exit)
            default: code = -1
            }
            return Output(exitCode: code, standardOutput: Data(result.standardOutput), standardError: result.standardError)
        } catch let error as SubprocessError where error.code == .executableNotFound || error.code == .spawnFailed {
            // Like a shell's 127: the caller reports "not found" with the kubeconfig's install hint.
            return Output(exitCode: 127, standardOutput: Data(), standardError: "")
        } catch let error as SubprocessError where error.code == .outputLimitExceeded {
            return Output(exitCode: 1, standardOutput: Data(), standardError: "printed more than 4 MiB")
        }
    }
}
