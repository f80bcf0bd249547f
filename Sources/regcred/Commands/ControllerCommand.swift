// `regcred controller`: the long-running controller, with leader election, metrics and probes.
import ArgumentParser
import Controller
import Foundation
import KubernetesClient
import Logging
import Operations
import RegcredCore
import RegistryProbe
import ServiceLifecycle

struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Run the controller: keep every ClusterPullSecret's pull secret in every selected namespace.",
        discussion: """
            Watches ClusterPullSecrets, namespaces, service accounts and only the secrets regcred manages; writes nothing while another replica holds the lease (--leader-elect). Stops gracefully on SIGTERM or SIGINT.

            Token sources (ecr, gcp, acr, githubApp) are asked once per refresh, from the token's real expiry; failed fetches are retried by TOKEN_RETRY_TYPE (simple|exponential, default exponential), TOKEN_RETRIES (default 3) and TOKEN_RETRY_DELAY (seconds, default 5), and the last good credential stays in place meanwhile.
            """)

    @Option(name: .customLong("controller-namespace"), help: "Where source secrets and the lease live (default: $POD_NAMESPACE, the in-cluster namespace, else regcred-system).")
    var controllerNamespace: String?

    @Flag(name: .long, help: "Elect a leader through a coordination.k8s.io Lease, so that only one replica writes.")
    var leaderElect = false

    @Option(name: .long, help: "The lease's name.")
    var leaderElectionID = "regcred-controller"

    @Option(name: .long, help: "Where /metrics listens (host:port; :8080 means every interface).")
    var metricsBindAddress = ":8080"

    @Option(name: .long, help: "Where /healthz and /readyz listen (may equal the metrics address).")
    var healthProbeBindAddress = ":8081"

    @Option(name: .long, help: ArgumentHelp("At most one status write per ClusterPullSecret per this many seconds, always the latest state (a burst of new namespaces costs O(1) status writes per second).", valueName: "seconds"))
    var statusInterval: Double = 1

    @Option(name: .long, help: "ClusterPullSecrets reconciled at once.")
    var workers = 4

    @OptionGroup var scope: SelectorOptions
    @OptionGroup var webhook: WebhookOptions
    @OptionGroup(title: "Webhook certificates (self-managed)") var webhookCertificates: WebhookCertificateOptions
    @OptionGroup var kube: KubeOptions
    @OptionGroup var rate: APIRateOptions
    @OptionGroup var profiles: ProfileFileOptions

    func validate() throws {
        do {
            _ = try ListenAddress(parsing: metricsBindAddress)
            _ = try ListenAddress(parsing: healthProbeBindAddress)
        } catch { throw ValidationError("\(error)") }
        guard workers > 0 else { throw ValidationError("--workers must be at least 1") }
        guard statusInterval >= 0, statusInterval <= 3600 else { throw ValidationError("--status-interval must be between 0 and 3600 seconds") }
        let problems = TokenRetryPolicy.fromEnvironment(ProcessInfo.processInfo.environment).problems
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ")) }
    }

    func run() async throws {
        let logger = Logger(label: "regcred.controller")
        let catalog = try ProfileCatalogLoader.load(explicitPath: profiles.path)
        let namespace = controllerNamespace ?? ControllerDefaults.namespace()
        let identity = ControllerDefaults.identity()
        let metrics = ControllerMetrics()
        // spec.verify: one prober for the process, so handshakes reuse connections.
        try await RegistryProber.withProber { prober in try await rate.connection(kube).withClient(requestObserver: { metrics.recordAPIRequest(verb: $0, code: $1) }) { client in
            let controller = PullSecretController(
                client: client, controllerNamespace: namespace, catalog: catalog, metrics: metrics, identity: identity, selector: try scope.query(),
                statusInterval: .milliseconds(Int64(statusInterval * 1000)),
                tokenRetry: TokenRetryPolicy.fromEnvironment(ProcessInfo.processInfo.environment).policy,
                verifier: ProbeVerifier(prober: prober), logger: logger)
            let elector = leaderElect
                ? LeaseElector(client: client, config: LeaderElectionConfig(namespace: namespace, name: leaderElectionID, identity: identity), logger: logger)
                : nil
            let caches = controller.caches
            // The pod webhook reads the same caches on every replica, leader or not. Its certificate
            // comes from files someone else keeps (--webhook-cert-dir), else from the controller's
            // own CA, which every replica follows too.
            var webhookServer: WebhookServer?
            var certificateSource: SelfManagedWebhookCertificates?
            if let address = try webhook.address() {
                let certificates: AsyncStream<ServingCertificate>
                if let directory = webhook.certificateDirectory {
                    certificates = directory.certificates(logger: logger)
                } else {
                    let selfManaged = webhookCertificates.selfManaged(client: client, namespace: namespace, logger: logger)
                    certificateSource = selfManaged
                    certificates = selfManaged.certificates
                }
                metrics.prepareAdmissionSeries()
                webhookServer = WebhookServer(
                    address: address, handler: PodAdmissionHandler(caches: caches, catalog: catalog, metrics: metrics, logger: logger),
                    certificates: certificates, logger: logger)
            }
            let webhookServices = [webhookServer as (any Service)?, certificateSource].compactMap { $0 }
            let servers = HealthServer.servers(
                metricsAddress: try ListenAddress(parsing: metricsBindAddress), probeAddress: try ListenAddress(parsing: healthProbeBindAddress),
                metrics: metrics,
                readiness: { [webhookServer] in Readiness.controller(cachesSynced: await caches.hasSynced, webhookHasCertificate: webhookServer?.hasCertificate) },
                logger: logger)
            let service = ControllerService(controller: controller, elector: elector, workers: workers, logger: logger)
            let group = ServiceGroup(configuration: .init(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)]
                    + servers.map { .init(service: $0) } + webhookServices.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            logger.info("starting", metadata: ["namespace": "\(namespace)", "identity": "\(identity)", "leaderElect": "\(leaderElect)"])
            try await group.run()
        } }
    }
}
