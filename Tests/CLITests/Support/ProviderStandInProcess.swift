// The GCE metadata server and GitHub App API stand-in (provider_stand_in.py) as a child process for
// one test, with the requests it got, so that a test can tell whether regcred called the provider.
import Foundation
import TestPeers

final class ProviderStandInProcess: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    let port: Int
    let requestLog: URL

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// "METHOD PATH" of every request so far.
    var requests: [String] {
        ((try? String(contentsOf: requestLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Starts the stand-in; `githubPublicKey` is the PEM file of the app key whose JWTs it accepts.
    static func start(in directory: TemporaryDirectory, githubPublicKey: String? = nil) async throws -> ProviderStandInProcess {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try ProviderStandInProcess(directory: directory, githubPublicKey: githubPublicKey) })
            }
        }
    }

    private init(directory: TemporaryDirectory, githubPublicKey: String?) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CredentialSourcesTests/Support/Python/provider_stand_in.py")
        requestLog = directory.file("provider-requests.log")
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, requestLog.path] + (githubPublicKey.map { [$0] } ?? [])
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw TestSupportError.unexpectedOutput("provider_stand_in.py printed no port")
        }
        self.port = port
    }

    /// Closes the stand-in's stdin (it exits on EOF), then SIGTERM; polls instead of blocking.
    func stop() async {
        try? input.fileHandleForWriting.close()
        for attempt in 0..<100 where process.isRunning {
            if attempt == 40 { process.terminate() }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
