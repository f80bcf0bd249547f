// `regcred rotate`: new credentials under a new name, with overlap, resumable.
import ArgumentParser
import Foundation
import KubernetesClient
import Operations
import RegcredCore
import RegistryProbe

struct RotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Rotate a secret's credentials under a new name without a gap: create, verify, switch, drain, delete.",
        discussion: """
            For secrets whose name is referenced elsewhere. The secret may be a pull secret or an Opaque secret with username and password keys (as pull-through caches take upstream credentials). Steps: (1) create NAME-v<N+1> with the new credentials, the old ones still valid; (2) verify them against the registries; (3) switch references: every service account's imagePullSecrets (in place, order kept), the pod templates of --workload, and the fields named by --ref; (4) wait until nothing references the old secret (service accounts, those templates and fields, running pods); (5) delete it; (6) remind you to revoke the old credentials.

            Progress is recorded on the new secret: after a crash, Ctrl-C or a timeout, run the same command again to resume. For a single secret nobody else names, `regcred update` (in place) stays simpler.

            Examples:

              regcred rotate ghcr-pull -n apps --password-file new-token \\
                --workload deploy/web --workload cronjob/report
              regcred rotate upstream-creds -n cache --password-env NEW --skip-verify \\
                --ref cache.example.com/v1/caches/main:spec.upstream.secretName
              regcred rotate ghcr-pull -n apps --password-env NEW --dry-run
            """)

    @Argument(help: "The secret to rotate (NAME or NAME-vN).")
    var name: String

    @Option(name: .long, help: "A new username (default: keep the current one).")
    var username: String?

    @Option(name: .long, help: ArgumentHelp("A workload whose pod template names the secret (repeatable): deployment/NAME, statefulset/NAME, daemonset/NAME, cronjob/NAME.", valueName: "kind/name"))
    var workload: [String] = []

    @Option(name: .long, help: ArgumentHelp("An object field holding the secret's name (repeatable): GROUP/VERSION/RESOURCE/NAME:FIELD.PATH.", valueName: "ref"))
    var ref: [String] = []

    @Flag(name: .long, help: "Create the new secret with immutable: true.")
    var immutable = false

    @Option(name: .long, help: ArgumentHelp("How long to wait for the old secret to fall out of use (Go duration).", valueName: "duration"))
    var waitTimeout = "5m"

    @Flag(name: .long, help: "Do not check the new credentials against the registries.")
    var skipVerify = false

    @Flag(name: .long, help: "Print the plan and change nothing.")
    var dryRun = false

    @OptionGroup var kube: KubeOptions
    @OptionGroup var password: PasswordOptions

    @OptionGroup(title: "Verification") var registries: RegistryProbeOptions

    func validate() throws {
        try password.requireOne()
        guard GoDuration.parse(waitTimeout) != nil else { throw ValidationError("--wait-timeout \(waitTimeout): not a duration (e.g. 5m, 1h)") }
        for text in workload { _ = try WorkloadReference(parsing: text) }
        for text in ref { _ = try FieldReference(parsing: text) }
    }

    func run() async throws {
        let secretPassword = try password.source.read()
        try await RegistryProber.withProber(configuration: registries.configuration()) { prober in
            try await rotate(password: secretPassword, verifier: skipVerify ? nil : ProbeVerifier(prober: prober))
        }
    }

    private func rotate(password secretPassword: Redacted<String>, verifier: ProbeVerifier?) async throws {
        let namespace = kube.namespace
        try await kube.connection.withClient { client in
            var rotation = RotateCredentials(
                client: client, namespace: namespace ?? client.config.namespace, secretName: name, password: secretPassword, username: username)
            rotation.immutable = immutable
            rotation.workloads = try workload.map(WorkloadReference.init(parsing:))
            rotation.fields = try ref.map(FieldReference.init(parsing:))
            rotation.waitTimeout = GoDuration.parse(waitTimeout) ?? .seconds(300)
            if let verifier {
                rotation.verify = { @Sendable config in await verifier.verify(config: config, registries: config.registries, image: nil) }
            }
            if dryRun {
                Terminal.write(try await rotation.plan().map { "would " + $0 }.joined(separator: "\n") + "\n")
                return
            }
            try await rotation.run { Terminal.write($0 + "\n") }
        }
    }
}
