// PodAdmissionHandler: one AdmissionReview body in, one answer out, decided from the informer
// caches that every replica keeps (ClusterPullSecrets and namespaces), so any replica can answer.
// It never refuses a pod: whatever goes wrong, the answer is "allowed" without a patch, and the
// service-account path still applies (the webhook fails open).
import Foundation
import Logging
import Operations
import RegcredCore

public final class PodAdmissionHandler: Sendable {
    /// The path the MutatingWebhookConfiguration names.
    public static let path = "/mutate-pods"

    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var body: Data
        public var contentType: String
        public var result: ControllerMetrics.AdmissionResult
    }

    private let caches: ClusterCaches
    private let offers: InjectionOffers
    private let metrics: ControllerMetrics
    private let namespaceArrivalWait: Duration
    private let logger: Logger

    /// - Parameter namespaceArrivalWait: how long to wait for a namespace the cache does not show
    ///   yet. A pod can only be created in an existing namespace, so its watch event is already on
    ///   its way (a chart that creates a namespace and its Deployment at once); the API server
    ///   waits at most the webhook's timeoutSeconds (2 s) for the answer.
    public init(
        caches: ClusterCaches, catalog: ProfileCatalog, metrics: ControllerMetrics, namespaceArrivalWait: Duration = .seconds(1),
        logger: Logger
    ) {
        self.caches = caches
        self.offers = InjectionOffers(catalog: catalog)
        self.metrics = metrics
        self.namespaceArrivalWait = namespaceArrivalWait
        self.logger = logger
    }

    /// Decides and records the result and latency.
    public func answer(_ body: Data) async -> Answer {
        let started = ContinuousClock.now
        let answer = await decide(body)
        metrics.recordAdmission(answer.result, duration: ContinuousClock.now - started)
        return answer
    }

    private func decide(_ body: Data) async -> Answer {
        let reading: PodAdmissionReview.Reading
        do { reading = try PodAdmissionReview.read(body) } catch {
            logger.warning("refused an AdmissionReview", metadata: ["error": "\(error)"])
            return Answer(status: 400, body: Data("\(error)\n".utf8), contentType: "text/plain; charset=utf-8", result: .error)
        }
        switch reading {
        case .other(let uid, let apiVersion, let reason):
            logger.debug("allowed without a decision", metadata: ["uid": "\(uid)", "reason": "\(reason)"])
            return Self.allowed(uid: uid, apiVersion: apiVersion, patch: nil, result: .unchanged)
        case .podCreate(let uid, let pod, let dryRun):
            // Dry runs are answered like any other request: deciding has no side effects.
            guard await caches.clusterPullSecrets.hasSynced, await caches.namespaces.hasSynced else {
                logger.warning("admitted a pod unpatched: the caches are not synced yet", metadata: ["uid": "\(uid)", "namespace": "\(pod.namespace)"])
                return Self.allowed(uid: uid, patch: nil, result: .error)
            }
            let offers = self.offers.offers(from: await caches.clusterPullSecrets.store.objects.values)
            guard offers.contains(where: \.injection.enabled) else {
                return Self.allowed(uid: uid, patch: nil, result: .unchanged)
            }
            guard let namespace = await namespace(named: pod.namespace) else {
                logger.warning(
                    "admitted a pod unpatched: its namespace is not in the cache",
                    metadata: ["uid": "\(uid)", "namespace": "\(pod.namespace)"])
                return Self.allowed(uid: uid, patch: nil, result: .error)
            }
            let decision = PodPullSecretInjection.decide(pod: pod, namespace: namespace, offers: offers)
            if decision.added.isEmpty {
                return Self.allowed(uid: uid, patch: nil, result: .unchanged)
            }
            logger.debug(
                "adding pull secrets to a pod",
                metadata: ["uid": "\(uid)", "namespace": "\(pod.namespace)", "secrets": "\(decision.added.joined(separator: ","))", "dryRun": "\(dryRun)"])
            return Self.allowed(uid: uid, patch: decision.patchJSON, result: .patched)
        }
    }

    /// The namespace from the cache, waiting up to `namespaceArrivalWait` for one not there yet.
    private func namespace(named name: String) async -> ObservedNamespace? {
        let deadline = ContinuousClock.now + namespaceArrivalWait
        while true {
            if let cached = await caches.namespaces.get(namespace: nil, name: name) { return cached.observed }
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    private static func allowed(
        uid: String, apiVersion: String = PodAdmissionReview.apiVersion, patch: Data?, result: ControllerMetrics.AdmissionResult
    ) -> Answer {
        Answer(
            status: 200, body: PodAdmissionReview.response(uid: uid, apiVersion: apiVersion, patch: patch),
            contentType: "application/json", result: result)
    }
}
