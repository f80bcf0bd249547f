// `regcred rbac`: prints the least-privilege RBAC for the controller, granting Secret access only
// to the names the ClusterPullSecrets use, so that `regcred rbac | kubectl apply -f -` keeps it in step.
import ArgumentParser
import Foundation
import KubernetesClient
import Operations

struct RBACCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rbac",
        abstract: "Print the controller's least-privilege ClusterRole and Role for the ClusterPullSecrets in use.",
        discussion: """
            The controller may read and change only the Secrets it writes: every Secret verb but create is granted by resourceNames, for each spec.secretName (and each earlier name still being cleaned up) of the ClusterPullSecrets in the cluster, in -f files, or given with --secret-name. Create stays cluster-wide because RBAC cannot narrow it by name, and creating reveals nothing. Every rule is commented with the call that needs it. The names match the plain manifests (deploy/regcred.yaml) and the Helm chart's defaults.

            Examples:
              regcred rbac | kubectl apply -f -
              regcred rbac -f clusterpullsecrets.yaml --controller-namespace regcred-system
              regcred rbac --secret-name regcred-ghcr --secret-name regcred-ecr
              regcred rbac --webhook    # with the pod admission webhook (self-managed TLS)
            """)

    @Option(name: [.customShort("f"), .customLong("filename")], help: ArgumentHelp("ClusterPullSecret manifests to read instead of the cluster (repeatable).", valueName: "file"))
    var files: [String] = []

    @Option(name: .long, help: ArgumentHelp("A secret name to grant besides those the ClusterPullSecrets use (repeatable).", valueName: "name"))
    var secretName: [String] = []

    @Flag(name: .long, help: "Grant the Secret verbs for ANY name (the controller can then read every Secret): only for ClusterPullSecrets with arbitrary names.")
    var allSecretNames = false

    @Option(name: .long, help: "The namespace the controller runs in.")
    var controllerNamespace = "regcred-system"

    @Option(name: .long, help: "The controller's service account.")
    var serviceAccount = "regcred"

    @Flag(name: .long, help: "Add what the pod admission webhook's self-managed TLS needs: its MutatingWebhookConfiguration (caBundle) and certificate Secret, both by name.")
    var webhook = false

    @OptionGroup var webhookNames: WebhookCertificateOptions
    @OptionGroup var kube: KubeOptions

    func validate() throws {
        if allSecretNames && (!secretName.isEmpty || !files.isEmpty) {
            throw ValidationError("--all-secret-names grants every name; drop --secret-name and -f")
        }
    }

    func run() async throws {
        var names: [String]?
        if !allSecretNames {
            var resources: [ClusterPullSecret] = []
            if !files.isEmpty {
                for file in files {
                    let source = InputSource(path: file)
                    resources += try ControllerPermissions.clusterPullSecrets(inManifests: try source.readText(), file: source.description)
                }
            } else if secretName.isEmpty {
                resources = try await kube.connection.withClient { client in
                    try await client.resource(ClusterPullSecret.self).listAll().items
                }
            }
            names = Array(Set(ControllerPermissions.secretNames(for: resources) + secretName)).sorted()
        }
        Terminal.write(ControllerPermissions.manifest(
            secretNames: names, namespace: controllerNamespace, serviceAccount: serviceAccount, webhook: webhook ? webhookNames.names : nil))
    }
}
