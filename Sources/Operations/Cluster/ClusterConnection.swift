// Where cluster-mode commands connect: kubeconfig (or in-cluster) resolved as kubectl does,
// with --kubeconfig, --context and -n applied.
import KubernetesClient

public struct ClusterConnection: Sendable {
    public var kubeconfigPath: String?
    public var context: String?
    public var namespace: String?

    public init(kubeconfigPath: String?, context: String?, namespace: String?) {
        self.kubeconfigPath = kubeconfigPath
        self.context = context
        self.namespace = namespace
    }

    public func clientConfig() throws -> ClientConfig {
        let loader = KubeconfigLoader(explicitPath: kubeconfigPath, context: context, namespace: namespace)
        var config = try ClientConfig.load(kubeconfig: loader)
        if let namespace { config.namespace = namespace }
        return config
    }

    /// Runs `body` with a connected client; the client is shut down afterwards.
    public func withClient<Result: Sendable>(_ body: (KubeClient) async throws -> Result) async throws -> Result {
        try await KubeClient.with(config: try clientConfig(), body)
    }
}
