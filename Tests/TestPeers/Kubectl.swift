// The real kubectl, for every test target: as the reference for `create secret docker-registry`
// (offline, a client-side dry run), as an independent client of what regcred wrote, and as a user
// of KubeSandbox. It reads only the kubeconfig it is given, and keeps HOME (so its discovery cache)
// in a folder of its own.
import Foundation

public struct Kubectl: Sendable {
    public static var isInstalled: Bool { InstalledTool.find("kubectl") != nil }

    public let kubeconfig: String
    /// HOME of the kubectl processes, and where they run.
    public let home: URL
    /// The server's minor version when it is known (a KubeSandbox): see `executable(serverMinorVersion:)`.
    public let serverMinorVersion: String?

    public init(kubeconfig: String, home: URL, serverMinorVersion: String? = nil) {
        self.kubeconfig = kubeconfig
        self.home = home
        self.serverMinorVersion = serverMinorVersion
    }

    /// kubectl for the cluster `kubeconfigYAML` describes, with a new folder for its kubeconfig and HOME.
    public init(kubeconfigYAML: String, serverMinorVersion: String? = nil) throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kubectl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let kubeconfig = home.appendingPathComponent("kubeconfig").path
        try kubeconfigYAML.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        self.init(kubeconfig: kubeconfig, home: home, serverMinorVersion: serverMinorVersion)
    }

    /// The kubectl to run. The Google Cloud SDK's `kubectl` is a dispatcher: it asks the server for
    /// its version with a short deadline and runs the matching `kubectl.1.N` beside it, but when the
    /// answer comes late (a loaded test machine) it runs its own newest release instead, which sends
    /// built-in kinds as protobuf. For a server whose version is known, the matching release beside
    /// the dispatcher is run directly, so that what kubectl sends does not depend on the machine's load.
    static func executable(serverMinorVersion: String?) throws -> URL {
        let kubectl = try InstalledTool.require("kubectl")
        guard let serverMinorVersion else { return kubectl }
        let release = kubectl.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("kubectl.1.\(serverMinorVersion)")
        return FileManager.default.isExecutableFile(atPath: release.path) ? release : kubectl
    }

    /// kubectl with an empty kubeconfig: it reaches no cluster (client-side dry runs).
    public static func offline(home: URL) -> Kubectl {
        Kubectl(kubeconfig: "/dev/null", home: home)
    }

    /// Runs kubectl to completion (without holding a concurrency thread while it runs).
    public func run(_ arguments: [String], stdin: String? = nil, timeout: Duration = .seconds(120)) async throws -> ProcessOutcome {
        try await ChildProcess.run(
            try Self.executable(serverMinorVersion: serverMinorVersion), arguments: ["--kubeconfig", kubeconfig] + arguments,
            standardInput: stdin.map { Data($0.utf8) }, environment: ChildProcess.cleanEnvironment(home: home),
            currentDirectory: home, timeout: timeout)
    }

    public func run(_ arguments: String...) async throws -> ProcessOutcome {
        try await run(arguments)
    }

    /// `kubectl create secret docker-registry NAME … --dry-run=client -o json`.
    public func createDockerRegistrySecret(
        name: String, server: String, username: String, password: String, email: String?, namespace: String?
    ) async throws -> ProcessOutcome {
        var arguments = [
            "create", "secret", "docker-registry", name,
            "--docker-server", server, "--docker-username", username, "--docker-password", password,
            "--dry-run=client", "-o", "json",
        ]
        if let email { arguments += ["--docker-email", email] }
        if let namespace { arguments += ["--namespace", namespace] }
        return try await run(arguments)
    }

    /// Starts a long-running kubectl (e.g. `get -w`); its output collects in `output` until `stop()`.
    public func start(_ arguments: String...) throws -> Background {
        let process = Process()
        process.executableURL = try Self.executable(serverMinorVersion: serverMinorVersion)
        process.arguments = ["--kubeconfig", kubeconfig] + arguments
        process.environment = ChildProcess.cleanEnvironment(home: home)
        process.currentDirectoryURL = home
        let background = Background(process: process)
        try background.start()
        return background
    }

    public final class Background: @unchecked Sendable {
        let process: Process
        private let lock = NSLock()
        private var buffer = Data()

        init(process: Process) {
            self.process = process
        }

        func start() throws {
            let out = Pipe()
            process.standardOutput = out
            process.standardError = out
            out.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let chunk = handle.availableData
                guard let self, !chunk.isEmpty else { return }
                self.lock.lock()
                self.buffer.append(chunk)
                self.lock.unlock()
            }
            try process.run()
        }

        /// Standard output and error so far.
        public var output: String {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: buffer, as: UTF8.self)
        }

        /// Waits until the output contains `text` (generous timeout).
        public func waitFor(_ text: String, timeout: Duration = .seconds(20)) async -> Bool {
            await eventually(timeout: timeout) { self.output.contains(text) }
        }

        public func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }
}
