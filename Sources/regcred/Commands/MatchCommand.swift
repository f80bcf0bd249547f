// `regcred match`: which entries the kubelet would try for an image.
import ArgumentParser
import Operations
import RegcredCore

struct MatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Show which entries of a pull secret the kubelet would use for an image, and why.",
        discussion: """
            Applies the kubelet's rules: image normalisation (nginx → docker.io/library/nginx), exact port, same number of host labels with per-label globs, key path as a prefix, most specific first, and the index.docker.io fallback for Docker Hub images. Exits 1 when no entry matches.
            """)

    @Argument(help: "An image reference, e.g. ghcr.io/org/app:1.2 or nginx.")
    var image: String

    @Argument(help: "A pull secret in the cluster (omit with -f).")
    var secret: String?

    @OptionGroup var document: DocumentOptions
    @OptionGroup var kube: KubeOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: table or json.")
    var output: ShowOutputFormat = .table

    func validate() throws { try document.validate(secret: secret) }

    func run() async throws {
        let parsed = try await document.load(secret: secret, kube: kube)
        let report = try MatchImage.report(image: image, config: parsed.config)
        Terminal.write(MatchImage.render(report, as: output))
        if !report.hasMatch { throw CheckFailed("no entry matches \(report.normalizedImage)") }
    }
}
