// regcred-bench: loopback benchmarks of the Kubernetes client, KubeSandbox and the controller
// (issues 3 and 4, "Performance"). Each subcommand prints Markdown tables; the figures and the
// commands that produced them are recorded in docs/benchmarks.md.
import ArgumentParser
import Foundation
import KubernetesClient

@main
struct RegcredBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regcred-bench",
        abstract: "Benchmarks of the client, the sandbox and the controller on loopback.",
        subcommands: [
            ClientBench.self, SandboxMemoryBench.self, ControllerBench.self, TokenSourceBench.self, SandboxServe.self, ProbeBench.self,
            ScanBench.self, WebhookBench.self,
        ])
}

func machineLine() -> String {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1024 / 1024 / 1024
    return "machine: \(cores) cores, \(fmt(memory)) GiB"
}

// MARK: client

struct ClientBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "GET and CREATE requests/s at concurrency 1 and 16; paginated list of 10,000 secrets.")

    @Option(help: "Requests per GET/CREATE measurement.") var requests = 2000
    @Option(parsing: .upToNextOption, help: "Concurrency levels.") var concurrency: [Int] = [1, 16]
    @Option(help: "Secrets to list.") var listSecrets = 10_000
    @Option(help: "Page size (limit) of the paginated list.") var pageSize = 500
    @Option(help: "Repetitions of the list measurement.") var listRuns = 5

    func run() async throws {
        out(machineLine())
        let sandbox = try await SandboxChild.start()
        let client = try makeClient(kubeconfigYAML: sandbox.kubeconfigYAML)  // qps 0: no client-side limit
        let data = ["username": Data("robot".utf8), "password": Data(String(repeating: "x", count: 64).utf8)]
        _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: "bench-client")))
        let secrets = client.resource(Secret.self, namespace: "bench-client")
        _ = try await secrets.create(Secret(metadata: ObjectMeta(name: "probe", namespace: "bench-client"), data: data))
        // Warm-up: connections and code paths.
        _ = try await runConcurrently(total: 200, concurrency: 16) { _ in _ = try await secrets.get("probe") }

        var table = Table(title: "Client against KubeSandbox (loopback, client QPS limit off)",
                          header: ["operation", "concurrency", "requests", "wall (s)", "req/s", "p50 (ms)", "p99 (ms)"])
        for c in concurrency {
            let get = try await runConcurrently(total: requests, concurrency: c) { _ in _ = try await secrets.get("probe") }
            table.add("GET secret", "\(c)", "\(requests)", fmt(get.wall.seconds, 2), fmt(Double(requests) / get.wall.seconds, 0),
                      fmt(get.latencies.percentile(50), 2), fmt(get.latencies.percentile(99), 2))
            log("GET c=\(c) done")
        }
        for c in concurrency {
            let namespace = "bench-create-c\(c)"
            _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: namespace)))
            let target = client.resource(Secret.self, namespace: namespace)
            let create = try await runConcurrently(total: requests, concurrency: c) { i in
                _ = try await target.create(Secret(metadata: ObjectMeta(name: "s-\(i)", namespace: namespace), data: data))
            }
            table.add("CREATE secret", "\(c)", "\(requests)", fmt(create.wall.seconds, 2), fmt(Double(requests) / create.wall.seconds, 0),
                      fmt(create.latencies.percentile(50), 2), fmt(create.latencies.percentile(99), 2))
            log("CREATE c=\(c) done")
        }
        table.print()

        // Paginated list.
        _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: "bench-list")))
        let listTarget = client.resource(Secret.self, namespace: "bench-list")
        let fill = try await runConcurrently(total: listSecrets, concurrency: 16) { i in
            _ = try await listTarget.create(Secret(metadata: ObjectMeta(name: "s-\(i)", namespace: "bench-list"), data: data))
        }
        log("filled \(listSecrets) secrets in \(fmt(fill.wall.seconds, 1)) s")
        await sandbox.reset()
        var runs = Samples()
        var items = 0
        for _ in 0..<listRuns {
            let clock = ContinuousClock()
            let t0 = clock.now
            let list = try await listTarget.listAll(pageSize: pageSize)
            runs.add(clock.now - t0)
            items = list.items.count
        }
        let pages = await sandbox.count("list", "secrets") / listRuns
        var listTable = Table(title: "Paginated list (limit \(pageSize))",
                              header: ["secrets", "pages per list", "runs", "min (ms)", "median (ms)", "max (ms)", "secrets/s (median)"])
        listTable.add("\(items)", "\(pages)", "\(listRuns)", fmt(runs.percentile(0)), fmt(runs.percentile(50)), fmt(runs.max),
                      fmt(Double(items) / (runs.percentile(50) / 1000), 0))
        listTable.print()
        let memory = sandbox.memory
        out("sandbox RSS after the client benchmark: peak \(fmt(memory.peakMiB)) MiB, current \(fmt(memory.currentMiB)) MiB")
        try await client.shutdown()
        await sandbox.stop()
    }
}

// MARK: sandbox memory

struct SandboxMemoryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox-memory",
        abstract: "Peak RSS of regcred's sandbox (a child process) holding N namespaces, each with a secret and a service account.")

    @Option var namespaces = 10_000

    func run() async throws {
        out(machineLine())
        let sandbox = try await SandboxChild.start()
        let client = try makeClient(kubeconfigYAML: sandbox.kubeconfigYAML)
        let empty = sandbox.memory
        let took = try await populateNamespaces(
            client: client, count: namespaces, prefix: "mem", labels: ["bench": "memory"], secretName: "app-credentials")
        try await waitForDefaultServiceAccounts(client: client, count: namespaces, prefix: "mem")
        let populated = sandbox.memory
        let secretCount = try await client.resourceInAllNamespaces(Secret.self).listAll(pageSize: 500).items.count
        let afterList = sandbox.memory
        var table = Table(title: "KubeSandbox memory (child process, /proc/PID/status)",
                          header: ["state", "objects", "VmRSS (MiB)", "VmHWM peak (MiB)"])
        table.add("empty, just started", "–", fmt(empty.currentMiB), fmt(empty.peakMiB))
        table.add("\(namespaces) namespaces + secret + default SA each (filled in \(fmt(took.seconds)) s)",
                  "\(namespaces * 3)", fmt(populated.currentMiB), fmt(populated.peakMiB))
        table.add("after a paginated list of all \(secretCount) secrets", "\(namespaces * 3)", fmt(afterList.currentMiB), fmt(afterList.peakMiB))
        table.print()
        out("per namespace (RSS growth / N): \(fmt(Double(populated.currentKiB - empty.currentKiB) / Double(namespaces), 2)) KiB")
        try await client.shutdown()
        await sandbox.stop()
    }
}
