// The Prometheus series ControllerMetrics exposes: names, labels, values.
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Synchronization
import TestPeers
import Testing
@testable import Controller

@Suite("ControllerMetrics")
struct ControllerMetricsTests {
    /// The exposition's sample lines (no comments), for exact matching.
    func samples(_ metrics: ControllerMetrics) -> Set<String> {
        Set(metrics.exposition().split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") })
    }

    @Test("reconciles are counted by result, errors on their own, per ClusterPullSecret")
    func reconcileCounters() {
        let metrics = ControllerMetrics()
        metrics.recordReconcile(clusterPullSecret: "ghcr", succeeded: true, duration: .milliseconds(20))
        metrics.recordReconcile(clusterPullSecret: "ghcr", succeeded: true, duration: .milliseconds(30))
        metrics.recordReconcile(clusterPullSecret: "ghcr", succeeded: false, duration: .milliseconds(40))
        metrics.recordReconcile(clusterPullSecret: "ecr", succeeded: true, duration: .milliseconds(1))
        let lines = samples(metrics)
        #expect(lines.contains(#"regcred_reconcile_total{clusterpullsecret="ghcr",result="success"} 2"#))
        #expect(lines.contains(#"regcred_reconcile_total{clusterpullsecret="ghcr",result="error"} 1"#))
        #expect(lines.contains(#"regcred_reconcile_errors_total{clusterpullsecret="ghcr"} 1"#))
        #expect(lines.contains(#"regcred_reconcile_total{clusterpullsecret="ecr",result="success"} 1"#))
        #expect(lines.contains(#"regcred_reconcile_errors_total{clusterpullsecret="ecr"} 0"#))
    }

    @Test("reconcile durations land in a histogram with buckets from 5 ms to 10 s")
    func durationHistogram() {
        let metrics = ControllerMetrics()
        metrics.recordReconcile(clusterPullSecret: "ghcr", succeeded: true, duration: .milliseconds(20))
        metrics.recordReconcile(clusterPullSecret: "ghcr", succeeded: true, duration: .seconds(3))
        let text = metrics.exposition()
        let lines = samples(metrics)
        #expect(text.contains("# TYPE regcred_reconcile_duration_seconds histogram"))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_bucket{clusterpullsecret="ghcr",le="0.005"} 0"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_bucket{clusterpullsecret="ghcr",le="0.025"} 1"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_bucket{clusterpullsecret="ghcr",le="2.5"} 1"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_bucket{clusterpullsecret="ghcr",le="5.0"} 2"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_bucket{clusterpullsecret="ghcr",le="10.0"} 2"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_bucket{clusterpullsecret="ghcr",le="+Inf"} 2"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_count{clusterpullsecret="ghcr"} 2"#))
        #expect(lines.contains(#"regcred_reconcile_duration_seconds_sum{clusterpullsecret="ghcr"} 3.02"#))
    }

    @Test("gauges report the last value set")
    func gauges() {
        let metrics = ControllerMetrics()
        metrics.setManagedSecrets(12, clusterPullSecret: "ghcr")
        metrics.setManagedSecrets(40, clusterPullSecret: "ghcr")
        metrics.setNamespacesFailed(2, clusterPullSecret: "ghcr")
        metrics.setWorkQueueDepth(7)
        metrics.setLeader(true)
        let lines = samples(metrics)
        #expect(lines.contains(#"regcred_managed_secrets{clusterpullsecret="ghcr"} 40.0"#))
        #expect(lines.contains(#"regcred_namespaces_failed{clusterpullsecret="ghcr"} 2.0"#))
        #expect(lines.contains("regcred_workqueue_depth 7.0"))
        #expect(lines.contains("regcred_leader 1.0"))
        metrics.setLeader(false)
        #expect(samples(metrics).contains("regcred_leader 0.0"))
    }

    @Test("queue depth and leader are exposed from the start, at 0")
    func unlabelledStartAtZero() {
        let lines = samples(ControllerMetrics())
        #expect(lines.contains("regcred_workqueue_depth 0.0"))
        #expect(lines.contains("regcred_leader 0.0"))
    }

    @Test("API requests are counted by verb and status code")
    func apiRequests() {
        let metrics = ControllerMetrics()
        metrics.recordAPIRequest(verb: "create", code: 201)
        metrics.recordAPIRequest(verb: "create", code: 201)
        metrics.recordAPIRequest(verb: "update", code: 409)
        metrics.recordAPIRequest(verb: "get", code: 0)
        let lines = samples(metrics)
        #expect(lines.contains(#"regcred_api_requests_total{verb="create",code="201"} 2"#))
        #expect(lines.contains(#"regcred_api_requests_total{verb="update",code="409"} 1"#))
        #expect(lines.contains(#"regcred_api_requests_total{verb="get",code="0"} 1"#))
    }

    @Test("credential expiry is a Unix timestamp; no expiry drops the series")
    func credentialExpiry() {
        let metrics = ControllerMetrics()
        metrics.setCredentialExpiry(Date(timeIntervalSince1970: 1_750_000_000), clusterPullSecret: "ecr")
        metrics.setCredentialExpiry(Date(timeIntervalSince1970: 1_760_000_000), clusterPullSecret: "gcr")
        #expect(samples(metrics).contains(#"regcred_credential_expiry_timestamp_seconds{clusterpullsecret="ecr"} 1750000000.0"#))
        metrics.setCredentialExpiry(nil, clusterPullSecret: "ecr")
        let lines = samples(metrics)
        #expect(!lines.contains { $0.contains(#"clusterpullsecret="ecr""#) })
        #expect(lines.contains(#"regcred_credential_expiry_timestamp_seconds{clusterpullsecret="gcr"} 1760000000.0"#))
    }

    @Test("forget drops every series of that ClusterPullSecret and keeps the others")
    func forget() {
        let metrics = ControllerMetrics()
        for name in ["gone", "kept"] {
            metrics.recordReconcile(clusterPullSecret: name, succeeded: false, duration: .milliseconds(5))
            metrics.setManagedSecrets(3, clusterPullSecret: name)
            metrics.setNamespacesFailed(1, clusterPullSecret: name)
            metrics.setCredentialExpiry(Date(timeIntervalSince1970: 1_750_000_000), clusterPullSecret: name)
        }
        metrics.forget(clusterPullSecret: "gone")
        let text = metrics.exposition()
        #expect(!text.contains(#"clusterpullsecret="gone""#))
        for family in ["regcred_reconcile_total", "regcred_reconcile_errors_total", "regcred_reconcile_duration_seconds_count",
                       "regcred_managed_secrets", "regcred_namespaces_failed", "regcred_credential_expiry_timestamp_seconds"] {
            #expect(text.contains(#"\#(family){clusterpullsecret="kept""#), "\(family)")
        }
        // Forgetting a name never seen, or twice, is harmless.
        metrics.forget(clusterPullSecret: "gone")
        metrics.forget(clusterPullSecret: "never")
        #expect(metrics.exposition() == text)
    }

    @Test("every family has its TYPE line with the Prometheus type")
    func typeLines() {
        let metrics = ControllerMetrics()
        metrics.recordReconcile(clusterPullSecret: "ghcr", succeeded: true, duration: .milliseconds(5))
        metrics.setManagedSecrets(1, clusterPullSecret: "ghcr")
        metrics.setNamespacesFailed(0, clusterPullSecret: "ghcr")
        metrics.recordAPIRequest(verb: "list", code: 200)
        metrics.setCredentialExpiry(Date(timeIntervalSince1970: 1), clusterPullSecret: "ghcr")
        let text = metrics.exposition()
        let expected = [
            ("regcred_reconcile_total", "counter"), ("regcred_reconcile_errors_total", "counter"),
            ("regcred_reconcile_duration_seconds", "histogram"), ("regcred_managed_secrets", "gauge"),
            ("regcred_namespaces_failed", "gauge"), ("regcred_workqueue_depth", "gauge"),
            ("regcred_api_requests_total", "counter"), ("regcred_credential_expiry_timestamp_seconds", "gauge"),
            ("regcred_leader", "gauge"),
        ]
        for (name, type) in expected {
            #expect(text.contains("# TYPE \(name) \(type)\n"), "\(name)")
        }
    }

    @Test("label values are escaped in the exposition")
    func escaping() {
        let metrics = ControllerMetrics()
        metrics.setManagedSecrets(1, clusterPullSecret: #"we"ird\name"#)
        #expect(samples(metrics).contains(#"regcred_managed_secrets{clusterpullsecret="we\"ird\\name"} 1.0"#))
    }
}
