// Helpers shared by the benchmarks: clocks and percentiles, /proc memory figures, tables, a
// client from a kubeconfig, and populating namespaces/secrets with bounded concurrency.
import Foundation
import KubernetesClient
import RegcredCore
import Synchronization

// MARK: time and statistics

extension Duration {
    var seconds: Double { timeInterval }
    var milliseconds: Double { timeInterval * 1000 }
}

struct Samples {
    private(set) var values: [Double] = []  // milliseconds
    mutating func add(_ duration: Duration) { values.append(duration.milliseconds) }
    mutating func add(contentsOf other: Samples) { values += other.values }
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[Swift.min(Swift.max(rank, 0), sorted.count - 1)]
    }
    var count: Int { values.count }
    var max: Double { values.max() ?? .nan }
    var mean: Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
}

func fmt(_ value: Double, _ digits: Int = 1) -> String {
    value.isNaN ? "–" : String(format: "%.\(digits)f", value)
}

// MARK: memory (/proc)

struct MemoryFigures {
    var peakKiB: Int  // VmHWM
    var currentKiB: Int  // VmRSS
    var peakMiB: Double { Double(peakKiB) / 1024 }
    var currentMiB: Double { Double(currentKiB) / 1024 }

    static func read(pid: String = "self") -> MemoryFigures {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
                return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
            }
            return -1
        }
        return MemoryFigures(peakKiB: field("VmHWM"), currentKiB: field("VmRSS"))
    }

    /// Resets this process's VmHWM to its current RSS (Linux ≥ 4.0: `echo 5 > /proc/self/clear_refs`).
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }
}

// MARK: output

/// A plain Markdown table, so that the output can be pasted into docs/benchmarks.md.
struct Table {
    var title: String
    var header: [String]
    var rows: [[String]] = []

    mutating func add(_ row: String...) { rows.append(row) }

    func render() -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = Swift.max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |"
        }
        var out = "\n### \(title)\n\n" + line(header) + "\n"
        out += "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }

    func print() {
        FileHandle.standardOutput.write(Data((render() + "\n").utf8))
    }
}

func log(_ message: String) {
    FileHandle.standardError.write(Data("[bench \(timestamp())] \(message)\n".utf8))
}

private func timestamp() -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "HH:mm:ss"
    return formatter.string(from: Date())
}

// MARK: client

func makeClient(kubeconfigYAML: String, qps: Double = 0, burst: Int = 0) throws -> KubeClient {
    var config = try KubeconfigLoader(environment: [:]).resolve(try Kubeconfig.parse(kubeconfigYAML, path: "sandbox"))
    config.qps = qps
    config.burst = burst
    config.requestTimeout = .seconds(120)
    return try KubeClient(config: config)
}

/// Runs `total` operations with `concurrency` tasks; returns per-operation latencies and wall time.
func runConcurrently(
    total: Int, concurrency: Int, _ operation: @escaping @Sendable (Int) async throws -> Void
) async throws -> (latencies: Samples, wall: Duration) {
    let clock = ContinuousClock()
    let started = clock.now
    let latencies = try await withThrowingTaskGroup(of: Samples.self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var samples = Samples()
                var index = worker
                while index < total {
                    let t0 = clock.now
                    try await operation(index)
                    samples.add(clock.now - t0)
                    index += concurrency
                }
                return samples
            }
        }
        var all = Samples()
        for try await part in group { all.add(contentsOf: part) }
        return all
    }
    return (latencies, clock.now - started)
}

/// Creates `count` namespaces `prefix-0…` (with `labels`) and, optionally, one Opaque secret in each.
func populateNamespaces(
    client: KubeClient, count: Int, prefix: String, labels: [String: String], secretName: String?, concurrency: Int = 16
) async throws -> Duration {
    let result = try await runConcurrently(total: count, concurrency: concurrency) { i in
        let name = "\(prefix)-\(i)"
        _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: name, labels: labels)))
        if let secretName {
            _ = try await client.resource(Secret.self, namespace: name).create(
                Secret(metadata: ObjectMeta(name: secretName, namespace: name), data: ["token": Data("value-\(i)".utf8)]))
        }
    }
    return result.wall
}

/// For the scan benchmark: `count` namespaces, each with the pull secret `pull` (ghcr.io) and
/// `podsPerNamespace` pods of a ghcr.io image that name it; every tenth namespace has one more pod
/// that names a secret that does not exist (a finding).
func populateScanCluster(client: KubeClient, count: Int, podsPerNamespace: Int, prefix: String) async throws -> Duration {
    let config = Data(#"{"auths":{"ghcr.io":{"auth":"cm9ib3Q6czNjcmV0","password":"s3cret","username":"robot"}}}"#.utf8)
    let result = try await runConcurrently(total: count, concurrency: 16) { i in
        let namespace = "\(prefix)-\(i)"
        _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: namespace)))
        _ = try await client.resource(Secret.self, namespace: namespace).create(Secret(
            metadata: ObjectMeta(name: "pull", namespace: namespace), type: "kubernetes.io/dockerconfigjson", data: [".dockerconfigjson": config]))
        let pods = client.resource(Pod.self, namespace: namespace)
        for index in 0..<podsPerNamespace {
            _ = try await pods.create(Pod(
                metadata: ObjectMeta(name: "app-\(index)", namespace: namespace),
                spec: PodSpec(containers: [Container(name: "app", image: "ghcr.io/org/app:1")], imagePullSecrets: [LocalObjectReference(name: "pull")])))
        }
        if i % 10 == 0 {
            _ = try await pods.create(Pod(
                metadata: ObjectMeta(name: "broken", namespace: namespace),
                spec: PodSpec(containers: [Container(name: "app", image: "ghcr.io/org/app:1")], imagePullSecrets: [LocalObjectReference(name: "missing")])))
        }
    }
    return result.wall
}

/// Waits until the sandbox has created the `default` service account in `count` namespaces with the prefix.
func waitForDefaultServiceAccounts(client: KubeClient, count: Int, prefix: String) async throws {
    while true {
        let accounts = try await client.resourceInAllNamespaces(ServiceAccount.self).listAll(
            ListOptions(fieldSelector: FieldSelector([.equals("metadata.name", "default")])), pageSize: 5000)
        let ready = accounts.items.filter { ($0.metadata.namespace ?? "").hasPrefix(prefix + "-") }.count
        if ready >= count { return }
        try await Task.sleep(for: .milliseconds(200))
    }
}

/// Unbuffered stdout (never stdio's buffer: its lock is shared with stdin in the sandbox child).
func out(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
