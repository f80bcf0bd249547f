// `regcred delete`: remove a pull secret from the cluster, refusing anything that is not one.
import ArgumentParser
import Operations

struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a pull secret from the cluster.",
        discussion: """
            Refuses secrets that are not pull secrets, and those a ClusterPullSecret manages (the controller would write them again) unless --force. The delete is conditional on the version read, so a secret replaced meanwhile is not removed.
            """)

    @Argument(help: "The pull secret's name.")
    var secret: String

    @Flag(name: .long, help: "Delete even a secret that a ClusterPullSecret manages.")
    var force = false

    @Option(name: .long, help: "none deletes; client only checks; server lets the API server validate without deleting.")
    var dryRun: PullSecretsInCluster.DryRun = .none

    @OptionGroup var kube: KubeOptions

    func run() async throws {
        try await kube.connection.withClient { client in
            try await PullSecretsInCluster(client: client, namespace: kube.namespace).delete(name: secret, force: force, dryRun: dryRun)
        }
        let suffix = dryRun == .none ? "" : " (\(dryRun.rawValue) dry run)"
        Terminal.write("secret/\(secret) deleted\(suffix)\n")
    }
}
