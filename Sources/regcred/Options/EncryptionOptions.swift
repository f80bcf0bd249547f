// `--encrypt gpg:RECIPIENT`, shared by the commands that write documents.
import ArgumentParser
import Operations

struct EncryptionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Encrypt the output for a gpg recipient: gpg:RECIPIENT.", valueName: "gpg:recipient"))
    var encrypt: String?

    var recipient: GPGRecipient? {
        get throws { try encrypt.map { try GPGRecipient(spec: $0) } }
    }

    func validate() throws {
        do { _ = try recipient } catch { throw ValidationError("\(error)") }
    }

    /// The text, encrypted when --encrypt was given.
    func apply(to text: String) async throws -> String {
        guard let recipient = try recipient else { return text }
        return try await GPG.encrypt(text, for: recipient)
    }
}
