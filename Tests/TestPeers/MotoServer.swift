// moto's server (real ECR, STS and IAM APIs with request authentication) on 127.0.0.1, for every
// test target that needs AWS: CredentialSourcesTests' ECR source and CLITests' `--source ecr`.
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// moto's server (`CredentialSourcesTests/Support/Python/moto_server.py`, the app behind
/// `moto_server`) on a port the kernel chose. The launcher prints the port once it listens and
/// exits when its standard input closes.
public final class MotoServer: @unchecked Sendable {
    public let port: Int
    /// The file moto records every request in, with `record`.
    public let recording: String?
    private let process: Process
    private let stdin: Pipe

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CredentialSourcesTests/Support/Python/moto_server.py").path

    /// `authenticateAfter`: the number of AWS actions served without authentication (moto's
    /// INITIAL_NO_AUTH_ACTION_COUNT); nil leaves authentication off. `record`: log every request to a file.
    private init(authenticateAfter: Int?, record: Bool) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script]
        var environment = ProcessInfo.processInfo.environment
        for name in environment.keys where name.hasPrefix("AWS_") { environment[name] = nil }
        if let authenticateAfter { environment["INITIAL_NO_AUTH_ACTION_COUNT"] = String(authenticateAfter) }
        var recording: String?
        if record {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(UUID().uuidString).jsonl").path
            environment["MOTO_ENABLE_RECORDING"] = "true"
            environment["MOTO_RECORDER_FILEPATH"] = path
            recording = path
        }
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw TestSupportError.unexpectedOutput("moto did not start (is moto[server] installed? python3 -m pip install 'moto[server]')")
        }
        self.port = port
        self.process = process
        self.stdin = stdin
        self.recording = recording
    }

    /// Closes moto's stdin (the launcher exits on EOF), then SIGTERM, then SIGKILL; waits without blocking a
    /// concurrency thread.
    public func stop() async {
        try? stdin.fileHandleForWriting.close()
        for attempt in 0..<100 where process.isRunning {
            if attempt == 40 { process.terminate() }
            if attempt == 80 { kill(process.processIdentifier, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        if let recording { try? FileManager.default.removeItem(atPath: recording) }
    }

    /// Starts moto, runs `body`, and stops moto whether `body` succeeded or not.
    public static func with<T>(
        authenticateAfter: Int? = nil, record: Bool = false, _ body: (MotoServer) async throws -> T
    ) async throws -> T {
        // Starting waits for moto's first line: block a dispatch thread, not one of the few concurrency threads.
        let started = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { try MotoServer(authenticateAfter: authenticateAfter, record: record) })
            }
        }
        let server = try started.get()
        return try await withRunning { try await body(server) } finally: { await server.stop() }
    }

    /// The recorded requests as (X-Amz-Target or Action, region of the credential scope).
    public func recordedCalls() throws -> [(operation: String, region: String)] {
        guard let recording, let text = try? String(contentsOfFile: recording, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").compactMap { line in
            guard let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let headers = entry["headers"] as? [String: String]
            else { return nil }
            let lowered = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
            let operation = lowered["x-amz-target"] ?? "?"
            let scope = lowered["authorization"]?.split(separator: "/").dropFirst(2).first.map(String.init) ?? "?"
            return (operation, scope)
        }
    }
}
