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
            let results = try await controller.withSyncedCaches { await controller.syncOnce() }
            var table = TextTable(headers: ["CLUSTERPULLSECRET", "TARGETED", "SYNCED", "FAILED", "WRITES"])
            var failed = 0
            for (name, outcome) in results {
                switch outcome {
                case .success(.done(let result?)), .success(.retry(let result, _)):
                    failed += result.failures.count
                    let writes = result.created + result.updated + result.deleted + result.attached + result.detached
                    table.append([name, "\(result.targeted)", "\(result.synced)", "\(result.failures.count)", "\(writes)"])
                case .success(.recheck(_, let result)):
                    // Credentials failed verification (spec.verify): a CI job should see that.
                    failed += result.failures.count + 1
                    table.append([name, "\(result.targeted)", "\(result.synced)", "verification failed", "-"])
                case .success(.forbidden(let names)):
                    failed += 1
                    table.append([name, "-", "-", "forbidden: \(names.joined(separator: ","))", "-"])
                case .success:
                    table.append([name, "-", "-", "-", "-"])
                case .failure(let error):
                    failed += 1
                    table.append([name, "-", "-", "error", "\(error)"])
                }
            }
            Terminal.write(table.rendered())
            return failed
        } }
        if failed > 0 { throw CheckFailed("\(failed) namespaces failed; see `regcred status`") }
    }
}
