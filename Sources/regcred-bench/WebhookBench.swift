// `regcred-bench webhook` (issue 14): admission latency of the pod webhook as the API server sees
// it. The production binary (`regcred controller`, the sibling of this executable) runs as a child
// process against the sandbox child with `--webhook-bind-address` and `--webhook-cert-dir`; this
// process sends pod AdmissionReviews over loopback TLS at a fixed rate, open loop (each request
// leaves at its scheduled instant whether or not earlier ones were answered, so a stall shows as
// latency rather than as a lower rate). RSS is the controller child's, from /proc.
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Glibc
import KubernetesClient
import NIOCore
import NIOSSL
import Operations
import RegcredCore

struct WebhookBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Pod AdmissionReviews at a fixed rate over loopback TLS to `regcred controller`: p50/p99 and RSS.")

    @Option(help: "Namespaces (all selected by the ClusterPullSecret).") var namespaces = 1000
    @Option(help: "AdmissionReviews per second.") var rate = 200
    @Option(help: "Seconds of load.") var seconds = 30
    @Option(help: "The regcred executable (default: next to this one).") var regcred: String?
    @Flag(help: "Skip the run without the webhook (the RSS comparison).") var skipBaseline = false

    func run() async throws {
        out(machineLine())
        let executable = regcred ?? URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
            .deletingLastPathComponent().appendingPathComponent("regcred").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError("\(executable) is not an executable; build it (swift build -c release --product regcred) or pass --regcred")
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("regcred-bench-webhook-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let sandbox = try await SandboxChild.start()
        log("populating \(namespaces) namespaces (in the sandbox process)")
        _ = await sandbox.command("populate \(namespaces) bench regcred-bench=selected")
        let kubeconfig = work.appendingPathComponent("kubeconfig").path
        try sandbox.kubeconfigYAML.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        let client = try makeClient(kubeconfigYAML: sandbox.kubeconfigYAML)
        _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: "regcred-system")))
        _ = try await client.resource(Secret.self, namespace: "regcred-system").create(Secret(
            metadata: ObjectMeta(name: "registry-token", namespace: "regcred-system"),
            data: ["username": Data("robot".utf8), "password": Data("token-one".utf8)]))
        let spec = ClusterPullSecretSpec(
            registries: ["ghcr.io", "registry.example.com"],
            source: CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "registry-token"))),
            secretName: "regcred-bench", namespaces: NamespacesSpec(selector: RegcredCore.LabelSelector(matchLabels: ["regcred-bench": "selected"])),
            podInjection: PodInjectionSpec(enabled: true, images: .matching))
        _ = try await client.resource(ClusterPullSecret.self).create(ClusterPullSecret(metadata: ObjectMeta(name: "bench"), spec: spec))
        try? await client.shutdown()

        let caPEM = try makeServingCertificate(in: work)
        var table = Table(
            title: "Pod webhook: \(rate) AdmissionReviews/s for \(seconds) s over loopback TLS, N = \(namespaces) namespaces (\(buildConfiguration) build)",
            header: ["measure", "value", "goal"])

        if !skipBaseline {
            let off = try await ControllerChild.start(executable: executable, kubeconfig: kubeconfig, webhook: nil, log: work.appendingPathComponent("off.log"))
            try await off.waitReady()
            try await Task.sleep(for: .seconds(2))
            table.add("controller RSS, webhook off, synced and idle (VmRSS)", "\(fmt(off.memory.currentMiB)) MiB", "")
            await off.stop()
        }

        let certificates = work.appendingPathComponent("certs").path
        let controller = try await ControllerChild.start(
            executable: executable, kubeconfig: kubeconfig, webhook: certificates, log: work.appendingPathComponent("on.log"))
        try await controller.waitReady()
        try await Task.sleep(for: .seconds(2))
        let idle = controller.memory
        log("controller ready (pid \(controller.pid)); RSS \(fmt(idle.currentMiB)) MiB")

        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
        let url = "https://127.0.0.1:\(controller.webhookPort)/mutate-pods"
        // Half the pods run a ghcr.io image (patched), half a quay.io one (unchanged).
        let bodies = (0..<64).map { i in
            benchReview(namespace: "bench-\(i * 7 % namespaces)", image: i % 2 == 0 ? "ghcr.io/org/app:\(i)" : "quay.io/org/app:\(i)", pullSecrets: i % 4 == 0 ? ["own"] : nil)
        }
        @Sendable func post(_ index: Int) async throws -> Bool {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: bodies[index % bodies.count]))
            let response = try await http.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            return response.status == .ok && body.readableBytes > 0
        }
        log("warming up")
        for i in 0..<200 { _ = try await post(i) }

        let total = rate * seconds
        log("sending \(total) AdmissionReviews at \(rate)/s")
        let clock = ContinuousClock()
        let start = clock.now + .milliseconds(10)
        let interval = Duration.seconds(1) / rate
        let before = ThreadTimes.read(pid: controller.pid)
        // Per review: the latency (nil when it failed or was not answered 200), and how late this
        // process sent it: when that lag grows, the machine is out of CPU, not the server slow.
        let (samples, lags, failures) = try await withThrowingTaskGroup(of: (Duration?, Duration).self) { group in
            for index in 0..<total {
                let scheduled = start + interval * index
                try await clock.sleep(until: scheduled)
                group.addTask {
                    let sent = clock.now
                    let ok = (try? await post(index)) ?? false
                    return (ok ? clock.now - sent : nil, sent - scheduled)
                }
            }
            var samples = Samples()
            var lags = Samples()
            var failures = 0
            for try await (sample, lag) in group {
                if let sample { samples.add(sample) } else { failures += 1 }
                lags.add(lag)
            }
            return (samples, lags, failures)
        }
        let after = ThreadTimes.read(pid: controller.pid)
        let wall = clock.now - start
        let loaded = controller.memory
        let metrics = (try? await fetchText(http, "http://127.0.0.1:\(controller.probePort)/metrics")) ?? ""
        table.add("reviews sent / answered 200", "\(total) / \(samples.count) (\(failures) failed)", "")
        table.add("achieved rate", "\(fmt(Double(total) / wall.seconds, 1))/s", "\(rate)/s")
        table.add("latency p50 (client, incl. TLS + HTTP)", "\(fmt(samples.percentile(50), 2)) ms", "")
        table.add("latency p90", "\(fmt(samples.percentile(90), 2)) ms", "")
        table.add("latency p99", "\(fmt(samples.percentile(99), 2)) ms", "< 5 ms")
        table.add("latency max", "\(fmt(samples.max, 2)) ms", "")
        table.add("send lag p50 / p99 (this process late for its own schedule: CPU contention)",
                  "\(fmt(lags.percentile(50), 2)) / \(fmt(lags.percentile(99), 2)) ms", "")
        table.add("controller CPU per review (utime + stime of all its threads)",
                  "\(fmt((after.cpu - before.cpu) / Double(total) * 1000, 3)) ms", "")
        table.add("controller threads' time runnable but waiting for a CPU (schedstat)",
                  "\(fmt(after.waiting - before.waiting, 2)) s in \(fmt(wall.seconds, 1)) s", "")
        table.add("server-side mean (regcred_webhook_admission_duration_seconds)", serverMean(metrics), "")
        table.add("server-side p99 (histogram bucket)", serverPercentileBucket(metrics, 99), "")
        table.add("results (regcred_webhook_admissions_total)", admissionCounts(metrics), "")
        table.add("controller RSS, webhook on: idle / after load (VmRSS) / peak (VmHWM)",
                  "\(fmt(idle.currentMiB)) / \(fmt(loaded.currentMiB)) / \(fmt(loaded.peakMiB)) MiB", "")
        table.print()
        try? await http.shutdown()
        await controller.stop()
        await sandbox.stop()
    }

    /// A CA and a serving certificate for 127.0.0.1 in `work/certs` (tls.crt, tls.key); returns the CA.
    private func makeServingCertificate(in work: URL) throws -> String {
        let certs = work.appendingPathComponent("certs")
        try FileManager.default.createDirectory(at: certs, withIntermediateDirectories: true)
        func path(_ name: String) -> String { work.appendingPathComponent(name).path }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        try openssl(["req", "-x509"] + ec + ["-keyout", path("ca.key"), "-out", path("ca.crt"), "-days", "2", "-subj", "/CN=regcred bench CA"])
        try openssl(["req", "-new"] + ec + ["-keyout", path("certs/tls.key"), "-out", path("server.csr"), "-subj", "/CN=127.0.0.1"])
        try openssl(["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"), "-CAcreateserial",
                     "-out", path("certs/tls.crt"), "-days", "2", "-extfile", path("server.ext")])
        return try String(contentsOfFile: path("ca.crt"), encoding: .utf8)
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("openssl \(arguments.first ?? "") failed") }
    }

    private func serverMean(_ metrics: String) -> String {
        func value(_ name: String) -> Double? {
            metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        guard let sum = value("regcred_webhook_admission_duration_seconds_sum"), let count = value("regcred_webhook_admission_duration_seconds_count"),
            count > 0
        else { return "–" }
        return "\(fmt(sum / count * 1000, 3)) ms over \(Int(count))"
    }

    /// The upper bound of the histogram bucket holding the p-th percentile (the warm-up included).
    private func serverPercentileBucket(_ metrics: String, _ p: Double) -> String {
        let prefix = "regcred_webhook_admission_duration_seconds_bucket{le=\""
        let buckets: [(bound: String, count: Double)] = metrics.split(separator: "\n").filter { $0.hasPrefix(prefix) }.compactMap { line in
            let rest = line.dropFirst(prefix.count)
            guard let quote = rest.firstIndex(of: "\""), let count = Double(rest.split(separator: " ").last ?? "") else { return nil }
            return (String(rest[..<quote]), count)
        }
        guard let total = buckets.last?.count, total > 0, let bucket = buckets.first(where: { $0.count >= total * p / 100 }) else { return "–" }
        return bucket.bound == "+Inf" ? "> 2 s" : "≤ \(fmt((Double(bucket.bound) ?? .nan) * 1000, 1)) ms"
    }

    private func admissionCounts(_ metrics: String) -> String {
        metrics.split(separator: "\n").filter { $0.hasPrefix("regcred_webhook_admissions_total{") }
            .map { line in line.replacingOccurrences(of: "regcred_webhook_admissions_total{result=\"", with: "").replacingOccurrences(of: "\"} ", with: "=") }
            .sorted().joined(separator: ", ")
    }
}

private func fetchText(_ http: HTTPClient, _ url: String) async throws -> String {
    let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
    let body = try await response.body.collect(upTo: 16 << 20)
    return String(buffer: body)
}

private func benchReview(namespace: String, image: String, pullSecrets: [String]?) -> Data {
    var spec: [String: JSONValue] = [
        "containers": .array([.object(["name": .string("app"), "image": .string(image), "ports": .array([.object(["containerPort": .integer(8080)])])])]),
        "serviceAccountName": .string("default"),
    ]
    if let pullSecrets { spec["imagePullSecrets"] = .array(pullSecrets.map { .object(["name": .string($0)]) }) }
    return JSONValue.object([
        "apiVersion": .string("admission.k8s.io/v1"), "kind": .string("AdmissionReview"),
        "request": .object([
            "uid": .string(UUID().uuidString.lowercased()), "kind": .object(["group": .string(""), "version": .string("v1"), "kind": .string("Pod")]),
            "resource": .object(["group": .string(""), "version": .string("v1"), "resource": .string("pods")]),
            "namespace": .string(namespace), "operation": .string("CREATE"),
            "userInfo": .object(["username": .string("system:serviceaccount:kube-system:replicaset-controller")]),
            "object": .object([
                "apiVersion": .string("v1"), "kind": .string("Pod"),
                "metadata": .object([
                    "generateName": .string("web-7d9f8b6c5d-"), "namespace": .string(namespace),
                    "labels": .object(["app": .string("web"), "pod-template-hash": .string("7d9f8b6c5d")]),
                ]),
                "spec": .object(spec),
            ]),
        ]),
    ]).encoded()
}

/// CPU used by, and run-queue wait of, all threads of a process (/proc/PID/task/*/stat and schedstat), in seconds.
struct ThreadTimes {
    var cpu: Double
    var waiting: Double

    static func read(pid: Int32) -> ThreadTimes {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var times = ThreadTimes(cpu: 0, waiting: 0)
        for task in tasks {
            // stat: fields after the parenthesised name; utime and stime are the 14th and 15th fields.
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            {
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                if fields.count > 13 { times.cpu += ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / ticks }
            }
            // schedstat: time on CPU, time waiting on a run queue (ns), timeslices.
            if let schedstat = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/schedstat", encoding: .utf8) {
                let fields = schedstat.split(separator: " ")
                if fields.count > 1 { times.waiting += (Double(fields[1]) ?? 0) / 1e9 }
            }
        }
        return times
    }
}

#if DEBUG
private let buildConfiguration = "debug"
#else
private let buildConfiguration = "release"
#endif

/// `regcred controller` as a child process.
final class ControllerChild: @unchecked Sendable {
    let process: Process
    let pid: Int32
    let webhookPort: Int
    let probePort: Int

    static func start(executable: String, kubeconfig: String, webhook certificateDirectory: String?, log: URL) async throws -> ControllerChild {
        let probePort = try freeLoopbackPort()
        let webhookPort = try freeLoopbackPort()
        var arguments = [
            "controller", "--kubeconfig", kubeconfig, "--controller-namespace", "regcred-system",
            "--metrics-bind-address", "127.0.0.1:\(probePort)", "--health-probe-bind-address", "127.0.0.1:\(probePort)",
        ]
        if let certificateDirectory {
            arguments += ["--webhook-bind-address", "127.0.0.1:\(webhookPort)", "--webhook-cert-dir", certificateDirectory]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return ControllerChild(process: process, webhookPort: webhookPort, probePort: probePort)
    }

    private init(process: Process, webhookPort: Int, probePort: Int) {
        self.process = process
        self.pid = process.processIdentifier
        self.webhookPort = webhookPort
        self.probePort = probePort
    }

    var memory: MemoryFigures { MemoryFigures.read(pid: String(pid)) }

    /// Polls /readyz (informers synced and, with the webhook on, a certificate loaded).
    func waitReady(timeout: Duration = .seconds(300)) async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let deadline = ContinuousClock.now + timeout
        var ready = false
        while !ready, ContinuousClock.now < deadline, process.isRunning {
            let response = try? await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(probePort)/readyz"), timeout: .seconds(2))
            ready = response?.status == .ok
            if !ready { try? await Task.sleep(for: .milliseconds(100)) }
        }
        try? await http.shutdown()
        guard process.isRunning else { throw ValidationError("regcred controller exited with status \(process.terminationStatus)") }
        guard ready else { throw ValidationError("regcred controller was not ready within \(timeout)") }
    }

    func stop() async {
        process.terminate()
        process.waitUntilExit()
    }
}

/// A port the kernel reports free on 127.0.0.1 (bound to port 0, read, closed).
func freeLoopbackPort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw ValidationError("socket() failed") }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
    }
    guard bound else { throw ValidationError("bind() on 127.0.0.1 failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
