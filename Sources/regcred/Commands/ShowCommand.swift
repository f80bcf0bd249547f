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
            Reads SECRET from the cluster, or a file with -f. Shows each entry's username, a password fingerprint (length and a short SHA-256, never the value), email, whether auth agrees with username and password, and the expiry of tokens that carry one (JWTs, ECR tokens). Credentials are read as the kubelet reads them (Go's encoding/json: field names in any letter case, the last of a repeated key); a warning says where that differs from how the document looks. Exits 1 when the kubelet refuses the secret or an entry has a problem it would trip over (bad auth, expired token).
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
        let now = Date()
        let text = secret == nil ? try await document.read().text : nil
        let parsed: PullSecretDocument
        do {
            if let text { parsed = try PullSecretDocument(parsing: text) } else { parsed = try await document.load(secret: secret, kube: kube) }
        } catch let error as PullSecretDocumentError {
            // The editor cannot read it; when that is because the kubelet refuses it too, say so as a finding.
            guard case .config = error, let refused = try await kubeletRefusal(text: text) else { throw error }
            Terminal.write(ShowPullSecret.render(ShowPullSecret.report(refused: refused.secret, refusal: refused.refusal), as: output, now: now))
            throw CheckFailed(Self.refusedSummary(refused.refusal))
        }
        let report = ShowPullSecret.report(for: parsed, reveal: reveal, now: now)
        Terminal.write(ShowPullSecret.render(report, as: output, now: now))
        if let refusal = parsed.kubeletRefusal { throw CheckFailed(Self.refusedSummary(refusal)) }
        if report.hasProblems { throw CheckFailed("some entries have problems (see above)") }
    }

    private func kubeletRefusal(text: String?) async throws -> (secret: KubeletPullSecret, refusal: KubeletRefusal)? {
        let kubelet: KubeletPullSecret
        if let text {
            kubelet = try KubeletPullSecret(parsing: text)
        } else if let secret, let read = try await MatchImage.kubeletSecrets(names: [secret], connection: kube.connection).first {
            kubelet = read
        } else {
            return nil
        }
        guard case .failure(let refusal) = kubelet.reading else { return nil }
        return (kubelet, refusal)
    }

    static func refusedSummary(_ refusal: KubeletRefusal) -> String {
        "the kubelet refuses this whole secret\(refusal.registry.map { " (entry \"\($0)\")" } ?? ""), so every pull of a pod that lists it fails; fix the entry, e.g. with `regcred update`"
    }
}
