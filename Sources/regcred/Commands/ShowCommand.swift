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
            Shows each entry's username, a password fingerprint (length and a short SHA-256, never
            the value), email, whether auth agrees with username and password, and the expiry of
            tokens that carry one (JWTs, ECR tokens). Exits 1 when an entry has a problem the
            kubelet would trip over (bad auth, expired token).
            """)

    @OptionGroup var document: DocumentOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: table or json.")
    var output: ShowOutputFormat = .table

    @Flag(name: .long, help: "Print passwords in clear.")
    var reveal = false

    func run() async throws {
        let parsed = try PullSecretDocument(parsing: try await document.read().text)
        let now = Date()
        let report = ShowPullSecret.report(for: parsed, reveal: reveal, now: now)
        Terminal.write(ShowPullSecret.render(report, as: output, now: now))
        if report.kubeletRejectsSecret {
            throw CheckFailed("the kubelet rejects this whole secret because of an undecodable auth field; fix it with `regcred update`")
        }
        if report.hasProblems { throw CheckFailed("some entries have problems (see above)") }
    }
}
