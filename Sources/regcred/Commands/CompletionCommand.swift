// `regcred completion SHELL`: prints the shell completion script for every command and flag
// (ArgumentParser's generator, as --generate-completion-script does).
import ArgumentParser

struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print the shell completion script for bash, zsh or fish.",
        discussion: """
            Load it in the current shell, or install it where your shell looks for completions:

              source <(regcred completion bash)
              regcred completion zsh > "${fpath[1]}/_regcred"
              regcred completion fish > ~/.config/fish/completions/regcred.fish
            """)

    enum Shell: String, CaseIterable, ExpressibleByArgument {
        case bash, zsh, fish
    }

    @Argument(help: "The shell: bash, zsh or fish.")
    var shell: Shell

    func run() {
        // Every case of Shell is a shell ArgumentParser generates for.
        guard let target = CompletionShell(rawValue: shell.rawValue) else { return }
        Terminal.write(Regcred.completionScript(for: target))
    }
}
