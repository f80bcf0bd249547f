// SelfManagedWebhookCertificates: the webhook's TLS without cert-manager. Every replica runs it:
// it follows one Secret (the CA and serving certificate) and the MutatingWebhookConfiguration,
// performs the step WebhookCertificatePlan says is due with a conflict-checked write, keeps the
// configuration's caBundle equal to the Secret's ca.crt, and yields the serving certificate into
// `certificates` whenever it changes. Replicas race safely: a create that meets AlreadyExists and
// an update that meets Conflict re-read the Secret and go on from what the winner wrote (usually:
// adopt it, nothing left to do), so all of them end up serving the same certificate.
import Foundation
import KubernetesClient
import Logging
import Operations
import RegcredCore
import ServiceLifecycle

public struct WebhookCertificateSettings: Sendable, Equatable {
    /// The controller's namespace: where the Secret and the webhook Service live.
    public var namespace: String
    public var secretName: String
    public var serviceName: String
    public var webhookConfigurationName: String
    public var lifetimes: WebhookCertificateLifetimes
    /// How often time-based steps (renewals) are re-checked when nothing changed. A minute: renewals
    /// are due months ahead, and a re-check that finds nothing due costs no API request.
    public var recheckInterval: Duration

    public init(namespace: String, secretName: String = WebhookObjectNames.standard.secret, serviceName: String = WebhookObjectNames.standard.service,
                webhookConfigurationName: String = WebhookObjectNames.standard.configuration, lifetimes: WebhookCertificateLifetimes = .standard,
                recheckInterval: Duration = .seconds(60)) {
        self.namespace = namespace
        self.secretName = secretName
        self.serviceName = serviceName
        self.webhookConfigurationName = webhookConfigurationName
        self.lifetimes = lifetimes
        self.recheckInterval = recheckInterval
    }

    public var serviceDNSNames: [String] { WebhookCertificatePlan.serviceDNSNames(service: serviceName, namespace: namespace) }
}

public enum WebhookCertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Other writers changed the Secret between every read and write.
    case contended(secret: String, attempts: Int)

    public var description: String {
        switch self {
        case .contended(let secret, let attempts):
            "could not write the webhook certificate Secret \(secret): it changed under each of \(attempts) attempts; another writer keeps replacing it (only regcred's replicas should write it). Retrying at the next change or re-check."
        }
    }
}

public actor SelfManagedWebhookCertificates: Service {
    /// The serving certificate, each time it changes (the newest only, if the reader lags).
    public nonisolated let certificates: AsyncStream<ServingCertificate>
    private let continuation: AsyncStream<ServingCertificate>.Continuation
    private let client: KubeClient
    public nonisolated let settings: WebhookCertificateSettings
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let secrets: Informer<Secret, Secret>
    private let configurations: Informer<UnstructuredObject, UnstructuredObject>
    private var lastEmitted: ServingCertificate?
    private var reportedMissingConfiguration = false

    public init(client: KubeClient, settings: WebhookCertificateSettings, now: @escaping @Sendable () -> Date = { Date() }, logger: Logger) {
        (certificates, continuation) = AsyncStream.makeStream(of: ServingCertificate.self, bufferingPolicy: .bufferingNewest(1))
        self.client = client
        self.settings = settings
        self.now = now
        self.logger = logger
        // By name only (field selector metadata.name), so RBAC can grant both by resourceNames.
        secrets = Informer(client.resource(Secret.self, namespace: settings.namespace), fieldSelector: .name(settings.secretName), logger: logger)
        configurations = Informer(
            client.resource(WebhookCABundlePatch.resource, as: UnstructuredObject.self, namespace: nil),
            fieldSelector: .name(settings.webhookConfigurationName), logger: logger)
    }

    private var secretClient: ResourceClient<Secret> { client.resource(Secret.self, namespace: settings.namespace) }
    private var configurationClient: ResourceClient<UnstructuredObject> {
        client.resource(WebhookCABundlePatch.resource, as: UnstructuredObject.self, namespace: nil)
    }
    private var secretPath: String { "\(settings.namespace)/\(settings.secretName)" }

    /// Follows the Secret and the configuration until cancelled or shut down gracefully.
    public func run() async throws {
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await secrets.addHandler { _ in wake.yield() }
        await configurations.addHandler { _ in wake.yield() }
        let secrets = self.secrets, configurations = self.configurations, interval = settings.recheckInterval
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await secrets.run() }
                group.addTask { await configurations.run() }
                group.addTask {
                    // The Secret's cache first, so the first decision sees what other replicas
                    // wrote. Not the configuration's: a missing one (or RBAC without it) must not
                    // keep the webhook from its certificate; it is read directly until synced.
                    await secrets.waitUntilSynced()
                    while !Task.isCancelled {
                        wake.yield()
                        try? await Task.sleep(for: interval)
                    }
                }
                for await _ in wakeups {
                    guard await self.convergeOrLog() else { break }
                }
                group.cancelAll()
            }
        }
        continuation.finish()
    }

    /// A round whose failure is logged and retried at the next wake-up; false once cancelled.
    private func convergeOrLog() async -> Bool {
        do {
            try await converge()
        } catch is CancellationError {
            return false
        } catch {
            logger.warning("webhook certificate not converged; retrying at the next change or re-check",
                           metadata: ["secret": "\(secretPath)", "error": "\(error)"])
        }
        return !Task.isCancelled
    }

    /// One round: the Secret's due steps, then the caBundle, then the stream.
    func converge() async throws {
        var secret = await secrets.get(namespace: settings.namespace, name: settings.secretName)
        let names = settings.serviceDNSNames
        let attempts = 5
        var material: WebhookTLSMaterial?
        for attempt in 1...attempts + 1 {
            let now = self.now()
            let current = secret.flatMap { WebhookTLSMaterial(secretData: $0.data) }
            let step = current.map { WebhookCertificatePlan.step($0.inventory(serviceNames: names), now: now, lifetimes: settings.lifetimes) }
                ?? .issueAll
            guard let step else {
                material = current
                break
            }
            guard attempt <= attempts else { throw WebhookCertificateError.contended(secret: secretPath, attempts: attempts) }
            let updated = try current?.applying(step, serviceNames: names, now: now, lifetimes: settings.lifetimes)
                ?? WebhookTLSMaterial.issue(serviceNames: names, now: now, lifetimes: settings.lifetimes)
            do {
                secret = try await write(updated, over: secret)
                logger.info("webhook certificate: \(step)", metadata: [
                    "secret": "\(secretPath)", "servingNotAfter": "\(updated.serving.notValidAfter)", "trustedCAs": "\(updated.bundle.count)",
                ])
            } catch let error as KubeAPIError where error.isConflict || error.isAlreadyExists {
                // Another replica wrote first: go on from what it wrote (usually: adopt it).
                logger.debug("webhook certificate Secret written by another replica; re-reading", metadata: ["secret": "\(secretPath)"])
                secret = try await freshSecret()
            }
        }
        guard let material else { return }
        // The caBundle first: a new CA is trusted before a certificate it signs is served. A
        // caBundle that cannot be written does not hold the certificate back (the webhook fails
        // open either way); the error is reported and the write retried.
        var caBundleError: (any Error)?
        do { try await ensureCABundle(try material.bundlePEM()) } catch { caBundleError = error }
        let serving = try material.servingCertificate()
        if serving != lastEmitted {
            lastEmitted = serving
            continuation.yield(serving)
        }
        if let caBundleError { throw caBundleError }
    }

    private func freshSecret() async throws -> Secret? {
        do { return try await secretClient.get(settings.secretName) } catch let error as KubeAPIError where error.isNotFound { return nil }
    }

    /// Creates the Secret, or replaces its data conditionally on the resourceVersion read.
    private func write(_ material: WebhookTLSMaterial, over existing: Secret?) async throws -> Secret {
        let data = try material.secretData()
        guard var secret = existing else {
            return try await secretClient.create(Secret(
                metadata: ObjectMeta(name: settings.secretName, namespace: settings.namespace, labels: [
                    "app.kubernetes.io/managed-by": "regcred", "app.kubernetes.io/component": "webhook",
                ]),
                type: "kubernetes.io/tls", data: data))
        }
        secret.data = data
        secret.stringData = [:]
        return try await secretClient.update(secret)
    }

    /// Every webhook of the configuration carries `bundlePEM` as its caBundle; nothing else changes.
    private func ensureCABundle(_ bundlePEM: String) async throws {
        var configuration: UnstructuredObject?
        if await configurations.hasSynced {
            configuration = await configurations.get(namespace: nil, name: settings.webhookConfigurationName)
        } else {
            configuration = try await freshConfiguration()
        }
        for _ in 1...5 {
            guard let current = configuration else {
                if !reportedMissingConfiguration {
                    reportedMissingConfiguration = true
                    logger.warning("MutatingWebhookConfiguration not found; its caBundle is written once it exists (install the webhook manifests)",
                                   metadata: ["name": "\(settings.webhookConfigurationName)"])
                }
                return
            }
            reportedMissingConfiguration = false
            guard let operations = WebhookCABundlePatch.operations(for: current.json, bundlePEM: bundlePEM) else { return }
            do {
                _ = try await configurationClient.patch(settings.webhookConfigurationName, .json(operations))
                logger.info("caBundle written", metadata: ["mutatingwebhookconfiguration": "\(settings.webhookConfigurationName)"])
                return
            } catch let error as KubeAPIError where WebhookCABundlePatch.isStale(error) || error.isNotFound {
                // Changed (or deleted) since read: decide again from a fresh read.
                configuration = try await freshConfiguration()
            }
        }
    }

    private func freshConfiguration() async throws -> UnstructuredObject? {
        do { return try await configurationClient.get(settings.webhookConfigurationName) } catch let error as KubeAPIError where error.isNotFound {
            return nil
        }
    }
}
