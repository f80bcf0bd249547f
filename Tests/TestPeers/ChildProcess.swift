// Runs one external program to completion with an explicit environment, capturing its output.
// Output goes to files rather than pipes, so a chatty child can never block on a full pipe.
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

public enum ChildProcess {
    /// The environment every child starts from: PATH and a HOME of the test's own, nothing else
    /// (no KUBECONFIG, no DOCKER_CONFIG, no REGISTRY_AUTH_FILE, no GNUPGHOME of the user's).
    public static func cleanEnvironment(home: URL) -> [String: String] {
        let path =
            ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        return ["PATH": path, "HOME": home.path]
    }

    /// Runs `executable` and waits for it to exit. A process still running after `timeout` is
    /// terminated (the timeout only guards against a hung test; no assertion depends on it).
    public static func run(
        _ executable: URL,
        arguments: [String],
        standardInput: Data? = nil,
        environment: [String: String],
        currentDirectory: URL? = nil,
        timeout: Duration = .seconds(300)
    ) async throws -> ProcessOutcome {
        let scratch = FileManager.default.temporaryDirectory
            .appending(path: "regcred-process-\(UUID().uuidString)", directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let stdoutFile = scratch.appending(path: "stdout")
        let stderrFile = scratch.appending(path: "stderr")
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutFile)
        let stderrHandle = try FileHandle(forWritingTo: stderrFile)
        defer {
            try? stdoutHandle.close()
            try? stderrHandle.close()
        }

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        var stdinHandle: FileHandle?
        if let standardInput {
            let stdinFile = scratch.appending(path: "stdin")
            try standardInput.write(to: stdinFile)
            stdinHandle = try FileHandle(forReadingFrom: stdinFile)
            process.standardInput = stdinHandle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        defer { try? stdinHandle?.close() }

        let watched = WatchedProcess(process)
        let (status, signalled): (Int32, Bool) = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                continuation.resume(returning: (finished.terminationStatus, finished.terminationReason == .uncaughtSignal))
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            watched.arm(timeout: timeout)
        }
        watched.disarm()

        return ProcessOutcome(
            status: signalled ? 128 + status : status,
            standardOutputData: try Data(contentsOf: stdoutFile),
            standardErrorData: try Data(contentsOf: stderrFile),
            timedOut: watched.fired)
    }
}

/// A started process and the watchdog that stops it if it outlives its timeout.
private final class WatchedProcess: @unchecked Sendable {
    private let process: Process
    private let lock = NSLock()
    private var watchdog: Task<Void, Never>?
    private var didFire = false

    public init(_ process: Process) { self.process = process }

    public var fired: Bool { lock.withLock { didFire } }

    public func arm(timeout: Duration) {
        let task = Task { [self] in
            do { try await Task.sleep(for: timeout) } catch { return }
            lock.withLock { didFire = true }
            kill(process.processIdentifier, SIGKILL)
        }
        lock.withLock { watchdog = task }
    }

    public func disarm() {
        lock.withLock { watchdog }?.cancel()
    }
}
