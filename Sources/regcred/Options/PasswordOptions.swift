// Where the password or token comes from: exactly one of stdin, a file or an environment variable.
import ArgumentParser
import Operations

struct PasswordOptions: ParsableArguments {
    @Flag(name: .long, help: "Read the password or token from standard input (one trailing newline is stripped).")
    var passwordStdin = false

    @Option(name: .long, help: ArgumentHelp("Read the password or token from a file.", valueName: "file"))
    var passwordFile: String?

    @Option(name: .long, help: ArgumentHelp("Read the password or token from an environment variable.", valueName: "var"))
    var passwordEnv: String?

    var source: PasswordSource {
        if let passwordFile { return .file(passwordFile) }
        if let passwordEnv { return .environment(passwordEnv) }
        return .standardInput
    }

    var chosen: Int { [passwordStdin, passwordFile != nil, passwordEnv != nil].filter { $0 }.count }

    func validate() throws {
        guard chosen <= 1 else { throw ValidationError("pass only one of --password-stdin, --password-file and --password-env") }
    }

    /// For commands that need a password: exactly one source.
    func requireOne() throws {
        guard chosen == 1 else {
            throw ValidationError(
                "no password source; pass --password-stdin, --password-file FILE or --password-env VAR (a password is never taken as a flag value)")
        }
    }
}
