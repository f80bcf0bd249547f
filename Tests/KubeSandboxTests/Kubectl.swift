// Kubectl: runs the real kubectl against a sandbox through a kubeconfig file the sandbox wrote;
// KUBECONFIG from the environment never leaks in, and discovery is cached in a private folder.
import Foundation
import KubeSandbox

struct Kubectl: Sendable {
    let kubeconfig: String
    let directory: URL

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl") }

    init(_ sandbox: KubeSandbox, user: String = "admin", namespace: String = "default") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubectl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        kubeconfig = directory.appendingPathComponent("kubeconfig").path
        try sandbox.writeKubeconfig(to: kubeconfig, user: user, namespace: namespace)
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    private func process(_ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
        process.arguments = ["--kubeconfig", kubeconfig, "--cache-dir", directory.appendingPathComponent("cache").path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = nil
        environment["HOME"] = directory.path
        process.environment = environment
        return process
    }

    /// Runs kubectl on a Dispatch thread: blocking on a child process inside the cooperative
    /// pool (two threads here) would starve the in-process server it talks to.
    func run(_ arguments: String..., stdin: String? = nil) async throws -> Result {
        let process = process(arguments)
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Swift.Result { try Self.runBlocking(process, stdin: stdin) })
            }
        }
    }

    private static func runBlocking(_ process: Process, stdin: String?) throws -> Kubectl.Result {
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Kubectl.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts a long-running kubectl (e.g. `get -w`); its output collects in `output` until `stop()`.
    func start(_ arguments: String...) throws -> Background {
        let process = process(arguments)
        let background = Background(process: process)
        try background.start()
        return background
    }

    final class Background: @unchecked Sendable {
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

        var output: String {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: buffer, as: UTF8.self)
        }

        /// Waits until the output contains `text` (generous timeout).
        func waitFor(_ text: String, timeout: Duration = .seconds(20)) async -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if output.contains(text) { return true }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return false
        }

        func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }
}
