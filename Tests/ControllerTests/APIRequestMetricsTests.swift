// The controller's API request metric is fed by the client's request observer.
import Controller
import Foundation
import KubeSandbox
import KubernetesClient
import Testing

@Suite("API request metrics")
struct APIRequestMetricsTests {
    @Test("every request is counted by verb and status code, including failures")
    func countsRequests() async throws {
        let sandbox = try await KubeSandbox.start()
        let metrics = ControllerMetrics()
        let config = try KubeconfigLoader(environment: [:]).resolve(try Kubeconfig.parse(sandbox.kubeconfigYAML(), path: "sandbox"))
        try await KubeClient.with(config: config, requestObserver: { metrics.recordAPIRequest(verb: $0, code: $1) }) { client in
            let secrets = client.resource(Secret.self, namespace: "default")
            _ = try? await secrets.get("missing")
            _ = try await secrets.create(Secret(metadata: ObjectMeta(name: "counted", namespace: "default"), data: ["k": Data("v".utf8)]))
        }
        try await sandbox.stop()
        let text = metrics.exposition()
        #expect(text.contains(#"regcred_api_requests_total{verb="get",code="404"} 1"#) || text.contains(#"regcred_api_requests_total{code="404",verb="get"} 1"#), "\(text)")
        #expect(text.contains(#"verb="create""#) && text.contains(#"code="201""#), "\(text)")
    }
}
