// Where cluster-mode commands connect: kubeconfig (or in-cluster) resolved as kubectl does,
// with --kubeconfig, --context and -n applied.
import KubernetesClient

public struct ClusterConnection: Sendable {
    public var kubeconfigPath: String?
    public var context: String?
    public var namespace: String?
    /// Client-side rate limit; nil keeps client-go's defaults (5 QPS, burst 10), right for a CLI.
    public var qps: Double?
    public var burst: Int?

    public init(kubeconfigPath: String?, context: String?, namespace: String?, qps: Double? = nil, burst: Int? = nil) {
        self.kubeconfigPath = kubeconfigPath
        self.context = context
        self.namespace = namespace
        self.qps = qps
        self.burst = burst
    }

    public func clientConfig() throws -> ClientConfig {
        let loader = KubeconfigLoader(explicitPath: kubeconfigPath, context: context, namespace: namespace)
        var config = try ClientConfig.load(kubeconfig: loader)
        if let namespace { config.namespace = namespace }
        if let qps { config.qps = qps }
        if let burst { config.burst = burst }
        return config
    }

    /// Runs `body` with a connected client; the client is shut down afterwards.
    public func withClient<Result: Sendable>(
        requestObserver: (@Sendable (_ verb: String, _ status: Int) -> Void)? = nil,
        _ body: (KubeClient) async throws -> Result
    ) async throws -> Result {
        try await KubeClient.with(config: try clientConfig(), requestObserver: requestObserver, body)
    }
}
