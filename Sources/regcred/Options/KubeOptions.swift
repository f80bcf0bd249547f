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
