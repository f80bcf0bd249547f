// `regcred verify`: checks each entry of a pull secret against its registry, as a runtime would pull.
import ArgumentParser
import Operations

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a pull secret's credentials against the registries: one row per entry.",
        discussion: """
            Performs the Docker Registry v2 handshake for every entry (GET /v2/, then Basic auth or a Bearer token from the registry's token service) and, for each --image, checks that the entries the kubelet would use for it may pull its manifest. TLS is verified unless the host is given with --insecure-registry. Passwords and tokens are never printed. Exits 1 when any check fails.
            """)

    @Argument(help: "A pull secret in the cluster (omit with -f).")
    var secret: String?

    @OptionGroup var document: DocumentOptions
    @OptionGroup var kube: KubeOptions

    @Option(name: .customLong("image"), help: ArgumentHelp("An image to check pull rights for (repeatable).", valueName: "ref"))
    var images: [String] = []

    @OptionGroup var registries: RegistryProbeOptions

    @Option(name: .long, help: "Seconds each registry request may take.")
    var timeout: Int = 10

    @Option(name: [.short, .customLong("output")], help: "Output format: table or json.")
    var output: ShowOutputFormat = .table

    func validate() throws {
        try document.validate(secret: secret)
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() async throws {
        let parsed = try await document.load(secret: secret, kube: kube)
        let report = try await VerifyPullSecret.run(
            document: parsed, images: images, configuration: registries.configuration(timeout: .seconds(timeout)))
        Terminal.write(VerifyPullSecret.render(report, as: output))
        if report.hasFailures { throw CheckFailed("some registry checks failed (see above)") }
    }
}
