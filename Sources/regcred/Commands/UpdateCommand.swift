// `regcred update`: replace the token in an existing pull secret, keeping everything else.
import ArgumentParser
import Operations

struct UpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Replace the password/token (and the derived auth) in a pull secret.",
        discussion: """
            Reads a Secret manifest (YAML or JSON, data or stringData) or a bare docker config,
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

    @Option(name: .long, help: ArgumentHelp("Encrypt the output for a gpg recipient: gpg:RECIPIENT.", valueName: "gpg:recipient"))
    var encrypt: String?

    @OptionGroup var password: PasswordOptions

    func validate() throws {
        if inPlace && document.file == "-" { throw ValidationError("--in-place needs a file, not standard input") }
        if inPlace && encrypt != nil {
            throw ValidationError("--in-place and --encrypt do not go together; write the encrypted output to a new file")
        }
        if document.file == "-" && password.passwordStdin {
            throw ValidationError("standard input cannot carry both the document and the password; use --password-file or --password-env")
        }
        if let encrypt { _ = try GPGEncryptor(spec: encrypt) }
    }

    func run() async throws {
        let input = try document.source.readText()
        let request = UpdatePullSecret(registries: registry, username: username, password: try password.source.read())
        var text = try request.apply(to: input)
        if let encrypt { text = try await GPGEncryptor(spec: encrypt).encrypt(text) }
        if inPlace {
            try AtomicFileWriter.replace(document.file, with: text)
        } else {
            Terminal.write(text)
        }
    }
}
