// Where a command's pull secret comes from: a file or stdin (-f, optionally gpg-armoured), or a
// Secret in the cluster named by the command's SECRET argument.
import ArgumentParser
import Operations
import RegcredCore

struct DocumentOptions: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "A Secret manifest (YAML or JSON) or a docker config, optionally gpg-encrypted; - for standard input. Without it, SECRET is read from the cluster.",
            valueName: "file"))
    var file: String?

    var source: InputSource? { file.map(InputSource.init(path:)) }

    /// Exactly one of a secret name and -f.
    func validate(secret: String?) throws {
        switch (secret, file) {
        case (nil, nil): throw ValidationError("name a SECRET in the cluster, or give a file with -f FILE (- for standard input)")
        case (.some, .some): throw ValidationError("give either a SECRET in the cluster or -f FILE, not both")
        default: break
        }
    }

    /// The document's text from -f, and whether it was encrypted.
    func read() async throws -> (text: String, wasEncrypted: Bool) {
        guard let source else { throw ValidationError("-f FILE is required here") }
        let text = try source.readText()
        guard GPG.isArmoredMessage(text) else { return (text, false) }
        return (try await GPG.decrypt(text), true)
    }

    /// The pull secret from -f, or SECRET from the cluster.
    func load(secret: String?, kube: KubeOptions) async throws -> PullSecretDocument {
        if let secret {
            return try await kube.connection.withClient { client in
                try await PullSecretsInCluster(client: client, namespace: kube.namespace).document(name: secret)
            }
        }
        return try PullSecretDocument(parsing: try await read().text)
    }
}
