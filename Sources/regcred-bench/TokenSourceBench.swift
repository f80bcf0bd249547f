// The token-source benchmark (issue 5, "Performance"): one ECR-shaped ClusterPullSecret over N
// namespaces, its provider a counting stand-in in this process (the provider's own latency is
// not what is measured here; `Benchmarks/create-source-ecr.sh` times a real fetch against moto).
// Measures provider calls per refresh (goal 1) and the time from a new token to all N secrets.
import ArgumentParser
import Controller
import CredentialSources
import Foundation
import KubernetesClient
import Logging
import Operations
import RegcredCore
import Synchronization

/// Hands out `token-1`, then `token-2`, …; records when each was minted.
final class CountingTokenProvider: CredentialSource, Sendable {
    let lifetime: TimeInterval
    let minted = Mutex<[ContinuousClock.Instant]>([])
    init(lifetime: TimeInterval) { self.lifetime = lifetime }
    var summary: String { "bench ecr stand-in" }
    var calls: Int { minted.withLock { $0.count } }

    func fetch() async throws(CredentialSourceError) -> CredentialMaterial {
        let count = minted.withLock { list in
            list.append(ContinuousClock.now)
            return list.count
        }
        return .basic(Credential(
            username: "AWS", password: Redacted("token-\(count)"), expiresAt: Date().addingTimeInterval(lifetime),
            registries: ["123456789012.dkr.ecr.us-east-1.amazonaws.com"]))
    }
}

struct TokenSourceBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "A token source over N namespaces: provider calls per refresh and time from a new token to all N secrets.")

    @Option(help: "Namespaces selected by the ClusterPullSecret.") var namespaces = 1000
    @Option(help: "Lifetime of each minted token in seconds; the refresh comes at half of it.") var lifetimeSeconds = 120
    @Option(help: "Controller workers.") var workers = 2
    @Option(help: "Give up on a phase after this many seconds.") var timeoutSeconds = 1800

    func run() async throws {
        out(machineLine())
        out("token-source benchmark: N=\(namespaces), token lifetime \(lifetimeSeconds) s (refresh at ≤ half)")
        let sandbox = try await SandboxChild.start()
        let clock = ContinuousClock()
        let selectorLabel = ["regcred-bench": "selected"]
        _ = await sandbox.command("populate \(namespaces) bench regcred-bench=selected")
        _ = await sandbox.command("waitsa \(namespaces) bench")
        let client = try makeClient(kubeconfigYAML: sandbox.kubeconfigYAML, qps: 0, burst: 0)
        let controllerNamespace = "regcred-system"
        let secretName = "regcred-ecr"
        _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: controllerNamespace)))
        let spec = ClusterPullSecretSpec(
            source: CredentialSourceSpec(ecr: ECRSourceSpec(regions: ["us-east-1"])), secretName: secretName,
            namespaces: NamespacesSpec(selector: RegcredCore.LabelSelector(matchLabels: selectorLabel)),
            refresh: RefreshSpec(before: "1s"))
        _ = try await client.resource(ClusterPullSecret.self).create(ClusterPullSecret(metadata: ObjectMeta(name: "bench"), spec: spec))

        let provider = CountingTokenProvider(lifetime: TimeInterval(lifetimeSeconds))
        var logger = Logger(label: "regcred.bench")
        logger.logLevel = .error
        let controller = PullSecretController(
            client: client, controllerNamespace: controllerNamespace, catalog: ProfileCatalog(), metrics: ControllerMetrics(),
            identity: "bench", makeSource: { _, _ in provider }, logger: logger)
        let progress = Progress(secretName: secretName, target: namespaces)
        await controller.registerHandlers()
        await controller.caches.managedSecrets.addHandler { n in
            if case .added(let s) = n { progress.secretSeen(s) } else if case .updated(_, let s) = n { progress.secretSeen(s) }
        }
        await controller.caches.serviceAccounts.addHandler { n in
            if case .added(let a) = n { progress.accountSeen(a) } else if case .updated(_, let a) = n { progress.accountSeen(a) }
        }
        await sandbox.reset()
        let started = clock.now
        let informers = Task { await controller.runInformers() }
        await controller.caches.waitUntilSynced()
        let workerTask = Task { await controller.runWorkers(workers) }
        let converged = try await progress.wait(timeout: .seconds(timeoutSeconds), every: .milliseconds(20)) { $0.convergedAt != nil }
        let convergedAt = progress.state.withLock { $0.convergedAt } ?? clock.now
        let callsToConverge = provider.calls
        log("converged (\(converged)) in \(fmt((convergedAt - started).seconds, 2)) s with \(callsToConverge) provider call(s); waiting for the refresh point")

        let oldHash = await controller.caches.managedSecrets.anySecret()?.contentHash
        progress.state.withLock { $0.oldHash = oldHash; $0.rotationTarget = namespaces }
        await sandbox.reset()
        let refreshed = try await progress.wait(timeout: .seconds(timeoutSeconds), every: .milliseconds(10)) { $0.rotatedAt != nil }
        let rotatedAt = progress.state.withLock { $0.rotatedAt } ?? clock.now
        let minted = provider.minted.withLock { $0 }
        let secondToken = minted.count > 1 ? minted[1] : rotatedAt
        try await Task.sleep(for: .seconds(2))
        let rotation = await sandbox.snapshot()
        let secretWrites = rotation["update", "secrets"] + rotation["create", "secrets"] + rotation["patch", "secrets"]

        var table = Table(title: "Token source, N = \(namespaces)", header: ["measure", "value", "goal"])
        table.add("provider calls to converge N namespaces", "\(callsToConverge)", "1")
        table.add("time to converge", "\(fmt((convergedAt - started).seconds, 2)) s", "")
        table.add("provider calls for the refresh", "\(provider.calls - callsToConverge)", "1")
        table.add("new token → all \(namespaces) secrets updated", "\(fmt((rotatedAt - secondToken).seconds, 2)) s\(refreshed ? "" : " (timed out)")", "")
        table.add("secret writes for the refresh", "\(secretWrites) (all writes \(rotation.writes))", "N = \(namespaces)")
        table.print()
        out("counters during the refresh: \(rotation.summary)")

        await controller.queue.shutDown()
        informers.cancel()
        _ = await workerTask.value
        try? await client.shutdown()
        await sandbox.stop()
    }
}
