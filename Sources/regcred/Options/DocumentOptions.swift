// The document a command reads: a Secret manifest or docker config, from a file or stdin,
// decrypted first when it is a gpg-armoured message.
import ArgumentParser
import Operations

struct DocumentOptions: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "A Secret manifest (YAML or JSON) or a docker config, optionally gpg-encrypted; - for standard input.",
            valueName: "file"))
    var file: String

    var source: InputSource { InputSource(path: file) }

    /// The document's text, and whether it was encrypted.
    func read() async throws -> (text: String, wasEncrypted: Bool) {
        let text = try source.readText()
        guard GPG.isArmoredMessage(text) else { return (text, false) }
        return (try await GPG.decrypt(text), true)
    }
}
