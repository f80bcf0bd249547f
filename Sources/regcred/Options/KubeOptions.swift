// kubectl's connection flags: --kubeconfig, --context, -n/--namespace.
import ArgumentParser
import Operations

struct KubeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).", valueName: "file"))
    var kubeconfig: String?

    @Option(name: .long, help: "The kubeconfig context to use (default: its current-context).")
    var context: String?

    @Option(name: [.short, .long], help: "The namespace (default: the context's namespace, else default).")
    var namespace: String?

    var connection: ClusterConnection {
        ClusterConnection(kubeconfigPath: kubeconfig, context: context, namespace: namespace)
    }
}

extension PullSecretsInCluster.DryRun: ExpressibleByArgument {}

/// The controller's client-side rate limit: higher than a CLI's, as controller-runtime's are.
struct APIRateOptions: ParsableArguments {
    @Option(name: .long, help: "Requests per second to the API server (client-side limit).")
    var kubeApiQps: Double = 50

    @Option(name: .long, help: "Burst above --kube-api-qps.")
    var kubeApiBurst: Int = 100

    func connection(_ kube: KubeOptions) -> ClusterConnection {
        var connection = kube.connection
        connection.qps = kubeApiQps
        connection.burst = kubeApiBurst
        return connection
    }
}
