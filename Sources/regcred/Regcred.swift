// The `regcred` command: parses flags, calls one use case, prints, and exits with a documented code.
import ArgumentParser
import Logging
import Foundation
import Operations

@main
struct Regcred: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regcred",
        abstract: "Keep Kubernetes image pull credentials valid everywhere they are needed.",
        discussion: """
            Build a pull secret for many registries at once, replace an expired token in place, decode and check a secret, see which entry the kubelet uses for an image, and run the controller that keeps ClusterPullSecrets in every namespace. Passwords are read from standard input, a file or an environment variable, never from a flag, and are never printed unless you ask (--reveal).

            \(ExitStatus.helpParagraph)
            """,
        version: BuildInfo.version,
        subcommands: [
            CreateCommand.self, UpdateCommand.self, ShowCommand.self, MatchCommand.self, VerifyCommand.self, DoctorCommand.self,
            RotateCommand.self, DeleteCommand.self, ProfilesCommand.self, StatusCommand.self, SyncCommand.self, ControllerCommand.self,
            ScanCommand.self, RBACCommand.self, CredentialProviderCommand.self, CompletionCommand.self, VersionCommand.self,
        ]
    )

    static func main() async {
        AllocatorTuning.apply()
        do {
            var command = try parseAsRoot()
            // Logs go to standard error, never into output a script parses. A CLI command says
            // what went wrong once, on its `error:` line: retries and progress stay quiet. The
            // controller logs what it does.
            let logLevel: Logger.Level = command is ControllerCommand ? .info : .warning
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = logLevel
                return handler
            }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as any UserFacingError {
            Terminal.printError(error.description)
            Foundation.exit(ExitStatus.code(for: error.kind))
        } catch {
            let code = exitCode(for: error)
            // --help and --version arrive as errors with a success code: let ArgumentParser print them.
            if code == .success { exit(withError: error) }
            // Flag errors: one line, as every other error, pointing at the help.
            Terminal.printError(message(for: error) + " (see `regcred --help`)")
            Foundation.exit(code == .failure && !(error is ExitCode) ? ExitStatus.internalError : code.rawValue)
        }
    }
}
