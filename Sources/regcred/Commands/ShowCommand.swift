// `regcred show`: decode and check a pull secret, one row per registry.
import ArgumentParser
import Foundation
import Operations
import RegcredCore

extension ShowOutputFormat: ExpressibleByArgument {}

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Decode and check a pull secret: one row per registry, passwords masked.",
        discussion: """
            Reads SECRET from the cluster, or a file with -f. Shows each entry's username, a password fingerprint (length and a short SHA-256, never the value), email, whether auth agrees with username and password, and the expiry of tokens that carry one (JWTs, ECR tokens). Exits 1 when an entry has a problem the kubelet would trip over (bad auth, expired token).
            """)

    @Argument(help: "A pull secret in the cluster (omit with -f).")
    var secret: String?

    @OptionGroup var document: DocumentOptions
    @OptionGroup var kube: KubeOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: table or json.")
    var output: ShowOutputFormat = .table

    @Flag(name: .long, help: "Print passwords in clear.")
    var reveal = false

    func validate() throws { try document.validate(secret: secret) }

    func run() async throws {
        let parsed = try await document.load(secret: secret, kube: kube)
        let now = Date()
        let report = ShowPullSecret.report(for: parsed, reveal: reveal, now: now)
        Terminal.write(ShowPullSecret.render(report, as: output, now: now))
        if report.kubeletRejectsSecret {
            throw CheckFailed("the kubelet rejects this whole secret because of an undecodable auth field; fix it with `regcred update`")
        }
        if report.hasProblems { throw CheckFailed("some entries have problems (see above)") }
    }
}
