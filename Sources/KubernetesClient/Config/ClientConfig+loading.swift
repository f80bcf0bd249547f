// How a command or the controller finds its configuration: a kubeconfig if one exists (or is
// named), else the in-cluster service account, as client-go's deferred loading does.

extension ClientConfig {
    public static func load(
        kubeconfig: KubeconfigLoader = KubeconfigLoader(), inCluster: InClusterConfig = InClusterConfig()
    ) throws(KubeconfigError) -> ClientConfig {
        if kubeconfig.hasKubeconfig || !inCluster.isAvailable {
            return try kubeconfig.clientConfig()
        }
        var config = try inCluster.clientConfig()
        if let namespace = kubeconfig.namespace { config.namespace = namespace }
        return config
    }
}
