// The document a command reads: a Secret manifest or docker config, from a file or stdin.
import ArgumentParser
import Operations

struct DocumentOptions: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp("A Secret manifest (YAML or JSON) or a docker config; - for standard input.", valueName: "file"))
    var file: String

    var source: InputSource { InputSource(path: file) }
}
