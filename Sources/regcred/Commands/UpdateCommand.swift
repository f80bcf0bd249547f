// `regcred update`: replace the token in an existing pull secret, keeping everything else.
import ArgumentParser
import Operations

struct UpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Replace the password/token (and the derived auth) in a pull secret.",
        discussion: """
            Reads a Secret manifest (YAML or JSON, data or stringData) or a bare docker config
            (decrypting it first when it is gpg-armoured),
            sets the new password and recomputes auth for every entry or the --registry ones,
            and keeps every other registry, field and piece of metadata. YAML comments and key
            order are not preserved (keys are written sorted).
            Examples:
              aws ecr get-login-password | regcred update -f secret.yaml --password-stdin --in-place
              regcred update -f - --registry ghcr.io --password-env GH_TOKEN < secret.json > new.json
            """)

    @OptionGroup var document: DocumentOptions

    @Option(name: .long, help: ArgumentHelp("Only update the entry for this registry (repeatable; default: all).", valueName: "host"))
    var registry: [String] = []

    @Option(name: .long, help: "A new username (default: keep each entry's username).")
    var username: String?

    @Flag(name: .long, help: "Rewrite the file atomically instead of printing the result.")
    var inPlace = false

    @OptionGroup var encryption: EncryptionOptions
    @OptionGroup var password: PasswordOptions

    func validate() throws {
        if inPlace && document.file == "-" { throw ValidationError("--in-place needs a file, not standard input") }
        if document.file == "-" && password.passwordStdin {
            throw ValidationError("standard input cannot carry both the document and the password; use --password-file or --password-env")
        }
    }

    func run() async throws {
        let input = try await document.read()
        let request = UpdatePullSecret(registries: registry, username: username, password: try password.source.read())
        let updated = try request.apply(to: input.text)
        if input.wasEncrypted && encryption.encrypt == nil && inPlace {
            throw ValidationError("the file is gpg-encrypted; pass --encrypt gpg:RECIPIENT so that --in-place does not write it back in clear")
        }
        let text = try await encryption.apply(to: updated)
        if inPlace {
            try AtomicFileWriter.replace(document.file, with: text)
        } else {
            Terminal.write(text)
        }
    }
}
