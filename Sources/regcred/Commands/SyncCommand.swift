// `regcred sync --once`: reconcile every ClusterPullSecret once and exit, for CI jobs and CronJobs.
import ArgumentParser
import Controller
import Foundation
import KubernetesClient
import Logging
import Operations
import RegistryProbe

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Reconcile every ClusterPullSecret once, print a summary, and exit.",
        discussion: "Exits 1 when any namespace failed, so a CronJob or CI step shows red.")

    @Flag(name: .long, help: "Run one pass and exit (the only mode; the long-running one is `regcred controller`).")
    var once = false

    @Option(name: .customLong("controller-namespace"), help: "Where source secrets live (default: $POD_NAMESPACE, else regcred-system).")
    var controllerNamespace: String?

    @OptionGroup var scope: SelectorOptions
    @OptionGroup var kube: KubeOptions
    @OptionGroup var rate: APIRateOptions
    @OptionGroup var profiles: ProfileFileOptions

    func validate() throws {
        guard once else { throw ValidationError("pass --once (the long-running controller is `regcred controller`)") }
    }

    func run() async throws {
        let catalog = try ProfileCatalogLoader.load(explicitPath: profiles.path)
        let namespace = controllerNamespace ?? ControllerDefaults.namespace()
        let failed = try await RegistryProber.withProber { prober in try await rate.connection(kube).withClient { client in
            let controller = PullSecretController(
                client: client, controllerNamespace: namespace, catalog: catalog, metrics: ControllerMetrics(),
                identity: ControllerDefaults.identity(), selector: try scope.query(), verifier: ProbeVerifier(prober: prober), logger: Logger(label: "regcred.sync"))
            let summary = SyncSummary(try await controller.withSyncedCaches { await controller.syncOnce() })
            var table = TextTable(headers: SyncSummary.headers)
            for row in summary.rows { table.append(row) }
            Terminal.write(table.rendered())
            return summary.failed
        } }
        if failed > 0 { throw CheckFailed("\(failed) namespaces failed; see `regcred status`") }
    }
}
