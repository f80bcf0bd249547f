// `regcred update`: replace the token in a pull secret, in the cluster or in a file, keeping everything else.
import ArgumentParser
import Operations

struct UpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Replace the password/token (and the derived auth) in a pull secret.",
        discussion: """
            Sets the new password and recomputes auth for every entry or the --registry ones, and keeps every other registry, field and piece of metadata. In the cluster (SECRET) the update is conditional on the version read and retried on conflict; a secret a ClusterPullSecret manages is changed only with --force (the controller would write its own content back), and an immutable one not at all (exit 73). From a file (-f) it reads a Secret manifest (YAML or JSON, data or stringData) or a bare docker config (decrypting it first when it is gpg-armoured); YAML comments and key order are not preserved (keys are written sorted). A result the kubelet would refuse (another entry with a broken auth, say) is not written (exit 65, naming the entry).

            Examples:
              aws ecr get-login-password | regcred update ecr-pull -n apps --password-stdin
              aws ecr get-login-password | regcred update -f secret.yaml \\
                --password-stdin --in-place
              regcred update -f - --registry ghcr.io --password-env GH_TOKEN \\
                < secret.json > new.json
            """)

    @Argument(help: "A pull secret in the cluster (omit with -f).")
    var secret: String?

    @OptionGroup var document: DocumentOptions

    @Option(name: .long, help: ArgumentHelp("Only update the entry for this registry (repeatable; default: all).", valueName: "host"))
    var registry: [String] = []

    @Option(name: .long, help: "A new username (default: keep each entry's username).")
    var username: String?

    @Flag(name: .long, help: "With -f: rewrite the file atomically instead of printing the result.")
    var inPlace = false

    @Flag(name: .long, help: "In the cluster: also update a secret a ClusterPullSecret manages (the controller writes its own content back; change the ClusterPullSecret's source instead).")
    var force = false

    @Option(name: .long, help: "In the cluster: none writes; server lets the API server validate without storing.")
    var dryRun: PullSecretsInCluster.DryRun = .none

    @OptionGroup var kube: KubeOptions
    @OptionGroup var encryption: EncryptionOptions
    @OptionGroup var password: PasswordOptions

    func validate() throws {
        try password.requireOne()
        try document.validate(secret: secret)
        if inPlace && document.file == nil { throw ValidationError("--in-place goes with -f FILE") }
        if inPlace && document.file == "-" { throw ValidationError("--in-place needs a file, not standard input") }
        if document.file == "-" && password.passwordStdin {
            throw ValidationError("standard input cannot carry both the document and the password; use --password-file or --password-env")
        }
        if secret != nil && encryption.encrypt != nil { throw ValidationError("--encrypt goes with -f FILE") }
        if secret == nil && force { throw ValidationError("--force goes with a SECRET in the cluster") }
        if secret == nil && dryRun == .server { throw ValidationError("--dry-run=server goes with a SECRET in the cluster") }
    }

    func run() async throws {
        let request = UpdatePullSecret(registries: registry, username: username, password: try password.source.read())
        if let secret {
            let updated = try await kube.connection.withClient { client in
                try await PullSecretsInCluster(client: client, namespace: kube.namespace)
                    .updateToken(name: secret, request: request, force: force, dryRun: dryRun)
            }
            Terminal.write(ClusterOutput.render(updated, as: nil, verb: "updated", dryRun: dryRun))
            return
        }
        let input = try await document.read()
        let updated = try request.apply(to: input.text)
        if input.wasEncrypted && encryption.encrypt == nil && inPlace {
            throw ValidationError("the file is gpg-encrypted; pass --encrypt gpg:RECIPIENT so that --in-place does not write it back in clear")
        }
        let text = try await encryption.apply(to: updated)
        if inPlace, let path = document.file {
            try AtomicFileWriter.replace(path, with: text)
        } else {
            Terminal.write(text)
        }
    }
}
