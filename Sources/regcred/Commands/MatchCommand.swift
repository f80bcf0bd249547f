// `regcred match`: which entries of a pod's pull secrets the kubelet would use for an image.
import ArgumentParser
import Operations
import RegcredCore

extension KubeletVersion: ExpressibleByArgument {}

struct MatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Show which entries of a pod's pull secrets the kubelet would use for an image, and why.",
        discussion: """
            Reads the secrets as the kubelet does (Go's encoding/json and base64: field names in any \
            letter case, the last of a repeated key, line breaks in auth) and applies its lookup: \
            image normalisation (nginx → docker.io/library/nginx), exact port, same number of host \
            labels with per-label globs, key path as a prefix, most specific key first across all \
            the secrets (a pod's imagePullSecrets form one keyring, in their order), and the \
            index.docker.io fallback for Docker Hub images. A secret the kubelet refuses (an auth \
            that is not base64 or has no ':', a field of the wrong type) fails every pull of the pod.

            Give several secrets as a pod lists them: `match IMAGE a b` in the cluster, or \
            `match IMAGE -f a.yaml -f b.yaml`. Exits 1 when no entry matches or a secret is refused.

            Kubelet versions modelled (--kubelet-version): 1.34 (default; kubelets built with Go \
            1.24.8, 1.25.2 or later, where a key's host may not hold "[" character classes) and \
            1.28 (v1.28.7, built with Go 1.21, where `reg[0-9].example.com` globs).
            """)

    @Argument(help: "An image reference, e.g. ghcr.io/org/app:1.2 or nginx.")
    var image: String

    @Argument(help: "Pull secrets in the cluster, in the pod's imagePullSecrets order (omit with -f).")
    var secrets: [String] = []

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "A Secret manifest (YAML or JSON) or a docker config, optionally gpg-encrypted; - for standard input; repeatable, in the pod's order.",
            valueName: "file"))
    var file: [String] = []

    @OptionGroup var kube: KubeOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: table or json (json adds each matched entry's username and password fingerprint).")
    var output: ShowOutputFormat = .table

    @Option(name: .long, help: ArgumentHelp("The kubelet whose rules to apply: \(KubeletVersion.allCases.map(\.rawValue).joined(separator: " or ")).", valueName: "version"))
    var kubeletVersion: KubeletVersion = .newest

    func validate() throws {
        switch (secrets.isEmpty, file.isEmpty) {
        case (true, true): throw ValidationError("name SECRETs in the cluster, or give files with -f FILE (- for standard input)")
        case (false, false): throw ValidationError("give either SECRETs in the cluster or -f FILEs, not both")
        default: break
        }
        if file.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-f -) can be given once") }
    }

    func run() async throws {
        var sources: [MatchSource] = []
        if secrets.isEmpty {
            for path in file {
                let source = InputSource(path: path)
                var text = try source.readText()
                if GPG.isArmoredMessage(text) { text = try await GPG.decrypt(text) }
                let secret = try KubeletPullSecret(parsing: text)
                sources.append(MatchSource(name: secret.secretName ?? source.description, secret: secret))
            }
        } else {
            sources = try await MatchImage.sources(names: secrets, connection: kube.connection)
        }
        let report = try MatchImage.report(image: image, sources: sources, kubelet: kubeletVersion)
        Terminal.write(MatchImage.render(report, as: output))
        if let refusal = report.refused.first {
            throw CheckFailed("the kubelet refuses secret \(refusal.secret)\(refusal.entry.map { " (entry \"\($0)\")" } ?? ""), so every pull of a pod that lists it fails")
        }
        if !report.hasMatch { throw CheckFailed("no entry matches \(report.normalizedImage)") }
    }
}
