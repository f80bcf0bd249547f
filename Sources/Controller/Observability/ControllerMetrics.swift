// ControllerMetrics: the controller's Prometheus metrics and their registry. The reconciler,
// work queue, client and elector report through the methods below; `exposition()` renders the
// Prometheus text format that HealthServer serves at /metrics. Per-ClusterPullSecret series
// are dropped by `forget` when the resource is deleted, so deleted names do not linger.
import Foundation
import Prometheus

public final class ControllerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// Reconcile duration buckets: 5 ms … 10 s.
    public static let reconcileDurationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// Admission latency buckets: 0.5 ms … 2 s (the API server gives up at the webhook's
    /// timeoutSeconds, 2 s).
    public static let admissionDurationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
    ]

    /// How the pod webhook answered one AdmissionReview.
    public enum AdmissionResult: String, Sendable, CaseIterable {
        /// Allowed with a patch that adds pull secrets.
        case patched
        /// Allowed as it was: nothing to add, opted out, or not a pod creation.
        case unchanged
        /// Not decided: a malformed request (HTTP 400), caches not synced, or a namespace the
        /// cache does not show. The pod is admitted unpatched (the webhook fails open).
        case error
    }

    /// Names and help texts (computed: MetricNameDescriptor is not Sendable).
    enum Name {
        static var reconcileTotal: MetricNameDescriptor {
            descriptor("regcred_reconcile_total", "Reconciles of a ClusterPullSecret by result (success or error).")
        }
        static var reconcileErrors: MetricNameDescriptor {
            descriptor("regcred_reconcile_errors_total", "Reconciles of a ClusterPullSecret that failed.")
        }
        static var reconcileDuration: MetricNameDescriptor {
            descriptor("regcred_reconcile_duration_seconds", "Time to reconcile a ClusterPullSecret.")
        }
        static var managedSecrets: MetricNameDescriptor {
            descriptor("regcred_managed_secrets", "Pull secrets in place for a ClusterPullSecret.")
        }
        static var namespacesFailed: MetricNameDescriptor {
            descriptor("regcred_namespaces_failed", "Namespaces a ClusterPullSecret could not be synced to.")
        }
        static var workQueueDepth: MetricNameDescriptor {
            descriptor("regcred_workqueue_depth", "Keys waiting in the work queue.")
        }
        static var apiRequests: MetricNameDescriptor {
            descriptor("regcred_api_requests_total", "Kubernetes API requests by verb and HTTP status code (0: no answer).")
        }
        static var credentialExpiry: MetricNameDescriptor {
            descriptor("regcred_credential_expiry_timestamp_seconds", "Unix time at which a ClusterPullSecret's credential expires.")
        }
        static var sourceFetches: MetricNameDescriptor {
            descriptor("regcred_source_fetches_total", "Calls to a ClusterPullSecret's credential provider, by result.")
        }
        static var refreshFailing: MetricNameDescriptor {
            descriptor("regcred_source_refresh_failing", "Token sources only: 1 while the provider fails and the last good credential is running out, else 0.")
        }
        static var verified: MetricNameDescriptor {
            descriptor("regcred_credential_verified", "1 when the last check of a ClusterPullSecret's credentials against its registries passed, else 0.")
        }
        static var sourceRefused: MetricNameDescriptor {
            descriptor("regcred_source_refused", "1 while a ClusterPullSecret's source content is refused by the write gate (the kubelet would refuse it, or it lacks a registry) and the last good pull secret stays, else 0.")
        }
        static var secretAccessForbidden: MetricNameDescriptor {
            descriptor("regcred_secret_access_forbidden", "1 while RBAC does not let the controller watch or write a ClusterPullSecret's secret names, else 0.")
        }
        static var admissions: MetricNameDescriptor {
            descriptor("regcred_webhook_admissions_total", "AdmissionReviews the pod webhook answered, by result (patched, unchanged, error); dry runs included.")
        }
        static var admissionDuration: MetricNameDescriptor {
            descriptor("regcred_webhook_admission_duration_seconds", "Time from a pod AdmissionReview's body to its answer.")
        }
        static var leader: MetricNameDescriptor {
            descriptor("regcred_leader", "1 while this replica holds the leader lease, else 0.")
        }

        private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
        }
    }

    private let workQueueDepth: Gauge
    private let leader: Gauge

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        workQueueDepth = registry.makeGauge(descriptor: Name.workQueueDepth)
        leader = registry.makeGauge(descriptor: Name.leader)
        workQueueDepth.set(to: 0.0)
        leader.set(to: 0.0)
    }

    public convenience init() {
        self.init(registry: PrometheusCollectorRegistry())
    }

    // MARK: reporting

    public func recordReconcile(clusterPullSecret: String, succeeded: Bool, duration: Duration) {
        let labels = Self.labels(clusterPullSecret)
        registry.makeCounter(descriptor: Name.reconcileTotal, labels: labels + [("result", succeeded ? "success" : "error")])
            .increment()
        let errors = registry.makeCounter(descriptor: Name.reconcileErrors, labels: labels)
        if !succeeded { errors.increment() }
        registry.makeDurationHistogram(descriptor: Name.reconcileDuration, labels: labels,
                                       buckets: Self.reconcileDurationBuckets)
            .record(duration)
    }

    /// One provider call (token request round) for a ClusterPullSecret.
    public func recordSourceFetch(clusterPullSecret: String, succeeded: Bool) {
        registry.makeCounter(
            descriptor: Name.sourceFetches, labels: Self.labels(clusterPullSecret) + [("result", succeeded ? "success" : "error")]
        ).increment()
    }

    /// Set for token sources only, so alerts can tell "expiring, and nothing renews it" from a
    /// 12 h token that is refreshed every few hours.
    public func setRefreshFailing(_ failing: Bool, clusterPullSecret: String) {
        registry.makeGauge(descriptor: Name.refreshFailing, labels: Self.labels(clusterPullSecret)).set(to: failing ? 1.0 : 0.0)
    }

    public func setVerified(_ passed: Bool, clusterPullSecret: String) {
        registry.makeGauge(descriptor: Name.verified, labels: Self.labels(clusterPullSecret)).set(to: passed ? 1.0 : 0.0)
    }

    public func setSourceRefused(_ refused: Bool, clusterPullSecret: String) {
        registry.makeGauge(descriptor: Name.sourceRefused, labels: Self.labels(clusterPullSecret)).set(to: refused ? 1.0 : 0.0)
    }

    public func setSecretAccessForbidden(_ forbidden: Bool, clusterPullSecret: String) {
        registry.makeGauge(descriptor: Name.secretAccessForbidden, labels: Self.labels(clusterPullSecret)).set(to: forbidden ? 1.0 : 0.0)
    }

    public func setManagedSecrets(_ count: Int, clusterPullSecret: String) {
        registry.makeGauge(descriptor: Name.managedSecrets, labels: Self.labels(clusterPullSecret)).set(to: Double(count))
    }

    public func setNamespacesFailed(_ count: Int, clusterPullSecret: String) {
        registry.makeGauge(descriptor: Name.namespacesFailed, labels: Self.labels(clusterPullSecret)).set(to: Double(count))
    }

    public func setWorkQueueDepth(_ depth: Int) {
        workQueueDepth.set(to: Double(depth))
    }

    /// `code` is the HTTP status; 0 when no answer came (connection failure, timeout).
    public func recordAPIRequest(verb: String, code: Int) {
        registry.makeCounter(descriptor: Name.apiRequests, labels: [("verb", verb), ("code", String(code))]).increment()
    }

    /// The credential's expiry as a Unix timestamp; nil (a static credential) drops the series,
    /// so that an "expires within 24 h" alert does not read a missing expiry as 1970.
    public func setCredentialExpiry(_ date: Date?, clusterPullSecret: String) {
        let gauge = registry.makeGauge(descriptor: Name.credentialExpiry, labels: Self.labels(clusterPullSecret))
        if let date {
            gauge.set(to: date.timeIntervalSince1970)
        } else {
            registry.unregisterGauge(gauge)
        }
    }

    /// Creates the webhook's series at zero, so that a rate or an alert sees them from the start.
    public func prepareAdmissionSeries() {
        for result in AdmissionResult.allCases {
            _ = registry.makeCounter(descriptor: Name.admissions, labels: [("result", result.rawValue)])
        }
        _ = registry.makeDurationHistogram(descriptor: Name.admissionDuration, buckets: Self.admissionDurationBuckets)
    }

    public func recordAdmission(_ result: AdmissionResult, duration: Duration) {
        registry.makeCounter(descriptor: Name.admissions, labels: [("result", result.rawValue)]).increment()
        registry.makeDurationHistogram(descriptor: Name.admissionDuration, buckets: Self.admissionDurationBuckets).record(duration)
    }

    public func setLeader(_ leading: Bool) {
        leader.set(to: leading ? 1.0 : 0.0)
    }

    /// Drops every series labelled with this ClusterPullSecret (after it was deleted).
    public func forget(clusterPullSecret: String) {
        let labels = Self.labels(clusterPullSecret)
        for result in ["success", "error"] {
            registry.unregisterCounter(registry.makeCounter(descriptor: Name.reconcileTotal, labels: labels + [("result", result)]))
        }
        registry.unregisterCounter(registry.makeCounter(descriptor: Name.reconcileErrors, labels: labels))
        for result in ["success", "error"] {
            registry.unregisterCounter(registry.makeCounter(descriptor: Name.sourceFetches, labels: labels + [("result", result)]))
        }
        registry.unregisterDurationHistogram(registry.makeDurationHistogram(
            descriptor: Name.reconcileDuration, labels: labels, buckets: Self.reconcileDurationBuckets))
        for name in [Name.managedSecrets, Name.namespacesFailed, Name.credentialExpiry, Name.verified, Name.refreshFailing, Name.sourceRefused, Name.secretAccessForbidden] {
            registry.unregisterGauge(registry.makeGauge(descriptor: name, labels: labels))
        }
    }

    // MARK: exposition

    /// The Prometheus text format (version 0.0.4), as served at /metrics.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The content type of `exposition()`.
    public static let expositionContentType = "text/plain; version=0.0.4; charset=utf-8"

    private static func labels(_ clusterPullSecret: String) -> [(String, String)] {
        [("clusterpullsecret", clusterPullSecret)]
    }
}
