// `regcred create`: print a pull secret for many registries at once.
import ArgumentParser
import Foundation
import Operations

extension CreateOutputFormat: ExpressibleByArgument {}

struct CreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Print a kubernetes.io/dockerconfigjson Secret for one or more registries.",
        discussion: """
            One credential serves every registry given with --registry and every host of --profile.
            Examples:
              echo "$TOKEN" | regcred create ghcr-pull --registry ghcr.io --username bot --password-stdin
              regcred create icr --profile ibm-us --password-env IBM_API_KEY -n apps -o yaml
              regcred create ci --registry reg.example.com --username ci --password-file tok -o env --env-name REG
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

    @Option(name: [.short, .long], help: "The Secret's namespace.")
    var namespace: String?

    @Option(name: [.short, .customLong("output")], help: "Output format: yaml, json, dockerconfigjson or env.")
    var output: CreateOutputFormat = .yaml

    @Option(name: .long, help: ArgumentHelp("With -o env: the variable name (NAME_64 is printed).", valueName: "name"))
    var envName: String?

    @OptionGroup var encryption: EncryptionOptions
    @OptionGroup var password: PasswordOptions
    @OptionGroup var profiles: ProfileFileOptions

    func validate() throws {
        guard !registry.isEmpty || profile != nil else {
            throw ValidationError("no registry given; pass --registry HOST (repeatable) or --profile NAME")
        }
        if envName != nil && output != .env { throw ValidationError("--env-name goes with -o env") }
    }

    func run() async throws {
        let catalog = try ProfileCatalogLoader.load(explicitPath: profiles.path)
        let request = CreatePullSecret(
            name: name, namespace: namespace, registries: registry, profile: profile, username: username,
            password: try password.source.read(), email: email)
        let text = try request.rendered(as: output, envName: envName, catalog: catalog)
        Terminal.write(try await encryption.apply(to: text))
    }
}
