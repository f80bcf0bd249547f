// `regcred-bench probe`: registry handshakes per second through one RegistryProber (connections
// reused), against a registry the caller started (Benchmarks/probe.sh starts docker-registry).
import ArgumentParser
import Foundation
import RegcredCore
import RegistryProbe

struct ProbeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe", abstract: "verify handshakes/s against one registry, with connection reuse.")

    @Option(help: "The registry host[:port].") var registry: String
    @Option(help: "Username.") var username: String
    @Option(help: "File holding the password.") var passwordFile: String
    @Option(help: "CA bundle that signed the registry's certificate.") var caFile: String?
    @Option(help: "An image to HEAD after each handshake (optional).") var image: String?
    @Option(help: "Handshakes per measurement.") var handshakes = 2000
    @Option(parsing: .upToNextOption, help: "Concurrency levels.") var concurrency: [Int] = [1, 8]

    func run() async throws {
        out(machineLine())
        let password = try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .newlines)
        let credential = Credential(username: username, password: Redacted(password))
        let reference = try image.map { try ImageReference(parsing: $0) }
        try await RegistryProber.withProber(configuration: ProbeConfiguration(caFile: caFile)) { prober in
            try await measure(prober, credential: credential, reference: reference)
        }
    }

    private func measure(_ prober: RegistryProber, credential: Credential, reference: ImageReference?) async throws {
        // Warm-up: the pool's connections and TLS sessions.
        let warm = await prober.probe(registry: registry, credential: credential, image: reference)
        guard warm.isSuccess else { throw ValidationError("the warm-up handshake failed: \(warm)") }

        var table = Table(
            title: "verify handshakes against \(registry)\(image.map { " with HEAD \($0)" } ?? "") (one prober, connections reused)",
            header: ["concurrency", "handshakes", "wall (s)", "handshakes/s", "p50 (ms)", "p99 (ms)"])
        for level in concurrency {
            let run = try await runConcurrently(total: handshakes, concurrency: level) { _ in
                let result = await prober.probe(registry: registry, credential: credential, image: reference)
                guard result.isSuccess else { throw ValidationError("a handshake failed: \(result)") }
            }
            table.add(
                "\(level)", "\(handshakes)", fmt(run.wall.seconds, 2), fmt(Double(handshakes) / run.wall.seconds, 0),
                fmt(run.latencies.percentile(50), 2), fmt(run.latencies.percentile(99), 2))
            log("probe c=\(level) done")
        }
        table.print()
    }
}
