// `regcred version`: the version, git revision, build date and platform of this binary.
import ArgumentParser

extension BuildInfo.Format: ExpressibleByArgument {}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Show the version, git revision and build date of this binary.",
        discussion: """
            The revision and the build date are stamped in by scripts/image (the build date is the commit's time, so that an image built twice from one commit is the same); a plain `swift build` reports them as unknown. `regcred --version` prints the version alone.
            """)

    @Option(name: [.short, .customLong("output")], help: "Output format: text or json.")
    var output: BuildInfo.Format = .text

    func run() {
        Terminal.write(BuildInfo.rendered(as: output))
    }
}
