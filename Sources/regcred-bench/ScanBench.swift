// `regcred-bench scan`: `regcred scan -A`'s reading and judging (ScanCluster.read + ClusterScan)
// over a seeded sandbox: N namespaces, each with a pull secret and P pods that use it, one
// namespace in ten with a pod naming a missing secret. Wall time, requests (lists only) and the
// peak RSS of the scanning process.
import ArgumentParser
import Foundation
import KubernetesClient
import Operations
import RegcredCore

struct ScanBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan", abstract: "regcred scan -A over N namespaces, P pods and one pull secret each.")

    @Option(help: "Namespaces.") var namespaces = 10_000
    @Option(help: "Pods per namespace.") var podsPerNamespace = 3

    func run() async throws {
        out(machineLine())
        let sandbox = try await SandboxChild.start()
        log("seeding \(namespaces) namespaces × (1 pull secret + \(podsPerNamespace) pods) inside the sandbox")
        let seeded = await sandbox.command("populate-scan \(namespaces) \(podsPerNamespace) scan")
        log("seeded in \(seeded) s")
        _ = await sandbox.command("reset")
        let client = try makeClient(kubeconfigYAML: sandbox.kubeconfigYAML)
        MemoryFigures.resetPeak()
        let before = MemoryFigures.read()
        let started = ContinuousClock.now
        let input = try await ScanCluster.read(client: client, namespace: nil, now: Date())
        let read = ContinuousClock.now - started
        let report = ClusterScan.scan(input)
        let wall = ContinuousClock.now - started
        let memory = MemoryFigures.read()
        let counted = ["list:secrets", "list:pods", "list:serviceaccounts", "list:namespaces", "list:deployments", "list:statefulsets",
                       "list:daemonsets", "list:jobs", "list:cronjobs", "get:secrets", "get:pods", "get:serviceaccounts"]
        let counts = await sandbox.command("counts " + counted.joined(separator: " ")).split(separator: " ")
        var table = Table(title: "regcred scan -A over \(namespaces) namespaces, \(namespaces * podsPerNamespace) pods, \(namespaces) pull secrets",
                          header: ["measure", "value"])
        table.add("read (paginated lists)", "\(fmt(read.seconds, 2)) s")
        table.add("read + judge (wall)", "\(fmt(wall.seconds, 2)) s")
        table.add("findings", "\(report.findings.count)")
        table.add("requests", zip(counted, counts).filter { $0.1 != "0" }.map { "\($0.0)=\($0.1)" }.joined(separator: ", "))
        table.add("scanning process RSS before / peak", "\(fmt(before.currentMiB)) / \(fmt(memory.peakMiB)) MiB")
        table.print()
        out(report.summary)
        try? await client.shutdown()
        await sandbox.stop()
    }
}
