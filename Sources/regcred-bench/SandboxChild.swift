// The sandbox in a child process (`regcred-bench sandbox-serve`), so that the benchmark process's
// memory is the client's or the controller's alone, and the sandbox's own RSS can be read from
// /proc/PID/status. The parent talks to it over stdin/stdout, one line per command and reply:
//   counts VERB:RESOURCE ...   → the sandbox's request counters, space separated
//   reset                      → "ok" (counters set to zero)
//   watches                    → open watch connections
//   populate N PREFIX LABEL=V  → creates N labelled namespaces from inside the child; seconds
//   waitsa N PREFIX            → waits until the default service accounts exist; "ok"
//   populate-scan N P PREFIX   → N namespaces, each with a pull secret and P pods using it; seconds
import ArgumentParser
import Dispatch
import Foundation
import KubeSandbox
import KubernetesClient

/// Parent side.
final class SandboxChild: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let queue = DispatchQueue(label: "sandbox-child")
    private var buffer = Data()
    let kubeconfigYAML: String
    let pid: Int32

    static func start(extraArguments: [String] = []) async throws -> SandboxChild {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("regcred-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let kubeconfig = directory.appendingPathComponent("kubeconfig").path
        let child = try SandboxChild(kubeconfig: kubeconfig, extraArguments: extraArguments)
        return child
    }

    private init(kubeconfig: String, extraArguments: [String]) throws {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["sandbox-serve", "--kubeconfig", kubeconfig] + extraArguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        pid = process.processIdentifier
        let ready = Self.readLine(from: output.fileHandleForReading, buffer: &buffer)
        guard ready.hasPrefix("ready") else { throw ValidationError("sandbox child did not start: \(ready)") }
        kubeconfigYAML = try String(contentsOfFile: kubeconfig, encoding: .utf8)
    }

    private static func readLine(from handle: FileHandle, buffer: inout Data) -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer = Data(buffer[(newline + 1)...])
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty { return "" }
            buffer.append(chunk)
        }
    }

    /// Sends one command and waits for its reply (blocking I/O off the cooperative pool).
    func command(_ line: String) async -> String {
        await withCheckedContinuation { continuation in
            queue.async {
                self.input.fileHandleForWriting.write(Data((line + "\n").utf8))
                let reply = Self.readLine(from: self.output.fileHandleForReading, buffer: &self.buffer)
                continuation.resume(returning: reply)
            }
        }
    }

    func counts(_ pairs: [(String, String)]) async -> [Int] {
        let reply = await command("counts " + pairs.map { "\($0.0):\($0.1)" }.joined(separator: " "))
        return reply.split(separator: " ").map { Int($0) ?? -1 }
    }

    func count(_ verb: String, _ resource: String) async -> Int { (await counts([(verb, resource)])).first ?? -1 }

    func reset() async { _ = await command("reset") }

    var memory: MemoryFigures { MemoryFigures.read(pid: String(pid)) }

    func stop() async {
        input.fileHandleForWriting.closeFile()
        process.terminate()
        process.waitUntilExit()
    }
}

/// The matrix of counters the controller benchmark reports.
let counterMatrix: [(String, String)] = {
    let resources = ["secrets", "serviceaccounts", "namespaces", "clusterpullsecrets", "clusterpullsecrets/status", "events", "leases"]
    let verbs = ["get", "list", "watch", "create", "update", "patch", "delete"]
    return resources.flatMap { r in verbs.map { ($0, r) } }
}()

struct CounterSnapshot {
    var values: [String: Int] = [:]
    init(_ pairs: [(String, String)], _ counts: [Int]) {
        for (pair, count) in zip(pairs, counts) where count != 0 { values["\(pair.0) \(pair.1)"] = count }
    }
    subscript(_ verb: String, _ resource: String) -> Int { values["\(verb) \(resource)"] ?? 0 }
    var total: Int { values.values.reduce(0, +) }
    var writes: Int { values.filter { ["create", "update", "patch", "delete"].contains($0.key.split(separator: " ")[0]) }.values.reduce(0, +) }
    var summary: String { values.keys.sorted().map { "\($0)=\(values[$0]!)" }.joined(separator: ", ") }
}

extension SandboxChild {
    func snapshot() async -> CounterSnapshot { CounterSnapshot(counterMatrix, await counts(counterMatrix)) }
}

/// Child side.
struct SandboxServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox-serve", abstract: "Internal: runs KubeSandbox and answers the parent's commands on stdin.",
        shouldDisplay: false)

    @Option var kubeconfig: String
    @Option(help: "Delay before the default service account appears (ms); negative = never.")
    var serviceAccountDelayMs: Int = 50
    @Option var watchHistoryWindow: Int = 100_000

    /// Unbuffered, so that no stdio lock is shared with the thread blocked reading stdin.
    func reply(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    func run() async throws {
        var options = KubeSandbox.Options()
        options.defaultServiceAccountDelay = serviceAccountDelayMs < 0 ? nil : .milliseconds(serviceAccountDelayMs)
        options.watchHistoryWindow = watchHistoryWindow
        let sandbox = try await KubeSandbox.start(options)
        try sandbox.writeKubeconfig(to: kubeconfig)
        let yaml = sandbox.kubeconfigYAML()
        reply("ready \(sandbox.port)")
        let lines = AsyncStream<String> { continuation in
            let thread = Thread {
                while let line = Swift.readLine() { continuation.yield(line) }
                continuation.finish()
            }
            thread.start()
        }
        var client: KubeClient?
        for await line in lines {
            let words = line.split(separator: " ").map(String.init)
            var reply = "error"
            switch words.first {
            case "counts":
                var values: [String] = []
                for pair in words.dropFirst() {
                    let parts = pair.split(separator: ":", maxSplits: 1).map(String.init)
                    values.append(String(await sandbox.requestCount(verb: parts[0], resource: parts.count > 1 ? parts[1] : "")))
                }
                reply = values.joined(separator: " ")
            case "reset":
                await sandbox.resetRequestCounts()
                reply = "ok"
            case "relist":
                await sandbox.faults.forceRelists()
                reply = "ok"
            case "watches":
                reply = String(await sandbox.openWatchCount())
            case "populate":
                if client == nil { client = try makeClient(kubeconfigYAML: yaml) }
                let label = words[3].split(separator: "=").map(String.init)
                let took = try await populateNamespaces(
                    client: client!, count: Int(words[1])!, prefix: words[2], labels: [label[0]: label[1]], secretName: nil)
                reply = String(took.seconds)
            case "populate-scan":
                if client == nil { client = try makeClient(kubeconfigYAML: yaml) }
                let took = try await populateScanCluster(client: client!, count: Int(words[1])!, podsPerNamespace: Int(words[2])!, prefix: words[3])
                reply = String(took.seconds)
            case "waitsa":
                if client == nil { client = try makeClient(kubeconfigYAML: yaml) }
                try await waitForDefaultServiceAccounts(client: client!, count: Int(words[1])!, prefix: words[2])
                reply = "ok"
            default:
                break
            }
            self.reply(reply)
        }
        try? await client?.shutdown()
        try await sandbox.stop()
    }
}
