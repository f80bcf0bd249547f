// Where user-defined registry profiles live.
import ArgumentParser

struct ProfileFileOptions: ParsableArguments {
    @Option(
        name: .customLong("profiles"),
        help: ArgumentHelp(
            "A YAML file of registry profiles (default: $XDG_CONFIG_HOME/regcred/profiles.yaml when it exists).",
            valueName: "file"))
    var path: String?
}
