// `regcred create`: a pull secret for many registries at once, in the cluster or printed.
import ArgumentParser
import Foundation
import KubernetesClient
import Operations
import RegcredCore

extension CreateOutputFormat: ExpressibleByArgument {}

struct CreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a kubernetes.io/dockerconfigjson Secret for one or more registries.",
        discussion: """
            One credential serves every registry given with --registry and every host of --profile. Like kubectl, create writes to the cluster unless --dry-run=client, which prints the Secret instead (no cluster needed); -o dockerconfigjson and -o env always print. Content the kubelet would refuse (a username with ':', for one) is never written (exit 65).

            With --source, the token is minted once from the provider (ECR, GCP, ACR, GitHub App) with the same code the controller uses; AWS credentials come from the standard chain (environment, web identity, container credentials, ~/.aws files, IMDS).

            --overwrite replaces a pull secret of the same name, keeping its labels and annotations. A secret of another type (an Opaque app secret), an immutable one, or one a ClusterPullSecret manages is replaced only with --force as well, which says what is lost.

            Examples:
              echo "$TOKEN" | regcred create ghcr-pull --registry ghcr.io \\
                --username bot --password-stdin -n apps
              regcred create icr --profile ibm-us --password-env IBM_API_KEY \\
                --dry-run=client -o yaml
              regcred create ci --registry reg.example.com --username ci \\
                --password-file tok -o env --env-name REG
              regcred create ecr-pull --source ecr --region us-east-1 \\
                --region eu-west-1 -n apps
              regcred create gar --source gcp --gcp-key-file key.json \\
                --registry europe-docker.pkg.dev --dry-run=client -o yaml
            """)

    @Argument(help: "The Secret's name.")
    var name: String

    @Option(name: .long, help: ArgumentHelp("A registry host the credential serves (repeatable).", valueName: "host"))
    var registry: [String] = []

    @Option(name: .long, help: ArgumentHelp("A registry profile: a named set of hosts (see `regcred profiles`).", valueName: "name"))
    var profile: String?

    @Option(name: .long, help: "The registry username (a profile may supply a default, e.g. iamapikey).")
    var username: String?

    @Option(name: .long, help: "An email to record in each entry (omitted when not given, as kubectl does).")
    var email: String?

    @Option(name: [.short, .customLong("output")], help: "Print the result as yaml or json; dockerconfigjson or env print without touching the cluster.")
    var output: CreateOutputFormat?

    @Option(name: .long, help: ArgumentHelp("With -o env: the variable name (NAME_64 is printed).", valueName: "name"))
    var envName: String?

    @Option(name: .long, help: "none: create in the cluster; client: only print; server: let the API server validate without storing.")
    var dryRun: PullSecretsInCluster.DryRun = .none

    @Flag(name: .long, help: "Replace an existing pull secret of the same name (its labels and annotations are kept).")
    var overwrite = false

    @Flag(name: .long, help: "With --overwrite: also replace a secret of another type or an immutable one (deleted and created again, losing its other keys), or one a ClusterPullSecret manages.")
    var force = false

    @OptionGroup var kube: KubeOptions
    @OptionGroup var encryption: EncryptionOptions
    @OptionGroup var password: PasswordOptions
    @OptionGroup(title: "Token sources") var tokenSource: SourceOptions
    @OptionGroup var profiles: ProfileFileOptions

    /// Printing only: --dry-run=client, or a format that is not a Kubernetes object.
    var printsOnly: Bool { dryRun == .client || output == .dockerconfigjson || output == .env }

    func validate() throws {
        if tokenSource.source == nil {
            guard !registry.isEmpty || profile != nil else {
                throw ValidationError("no registry given; pass --registry HOST (repeatable) or --profile NAME")
            }
            try password.requireOne()
        } else {
            guard password.chosen == 0 else { throw ValidationError("--source mints the token; drop the --password-* flag") }
            guard username == nil else { throw ValidationError("--source sets the username; drop --username") }
        }
        if envName != nil && output != .env { throw ValidationError("--env-name goes with -o env") }
        if force && !overwrite { throw ValidationError("--force goes with --overwrite") }
        if encryption.encrypt != nil && !printsOnly { throw ValidationError("--encrypt goes with --dry-run=client (encrypted output is for files, not the cluster)") }
    }

    func run() async throws {
        let catalog = try ProfileCatalogLoader.load(explicitPath: profiles.path)
        let credential: CreatePullSecret.Credential =
            if let minted = try await tokenSource.mint() { .minted(minted) } else { .password(try password.source.read()) }
        let request = CreatePullSecret(
            name: name, namespace: kube.namespace, registries: registry, profile: profile, username: username,
            credential: credential, email: email)
        if printsOnly {
            let text = try request.rendered(as: output ?? .yaml, envName: envName, catalog: catalog)
            Terminal.write(try await encryption.apply(to: text))
            return
        }
        let config = try request.dockerConfig(catalog: catalog)
        let created = try await kube.connection.withClient { client in
            try await PullSecretsInCluster(client: client, namespace: kube.namespace)
                .create(name: name, config: config, overwrite: overwrite, force: force, dryRun: dryRun)
        }
        Terminal.write(ClusterOutput.render(created, as: output, verb: overwrite ? "configured" : "created", dryRun: dryRun))
    }
}
