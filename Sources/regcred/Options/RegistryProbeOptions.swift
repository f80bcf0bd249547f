// `--insecure-registry` and `--ca-file`: how commands that talk to registries (verify, rotate,
// doctor --verify) trust them, declared once.
import ArgumentParser
import RegistryProbe

struct RegistryProbeOptions: ParsableArguments {
    @Option(
        name: .customLong("insecure-registry"),
        help: ArgumentHelp("A registry host that may use plain HTTP or an untrusted certificate (repeatable).", valueName: "host"))
    var insecureRegistries: [String] = []

    @Option(
        name: .customLong("ca-file"),
        help: ArgumentHelp("A PEM bundle of CA certificates to trust besides the system's (a private registry's CA).", valueName: "file"))
    var caFile: String?

    func configuration(timeout: Duration = .seconds(10)) -> ProbeConfiguration {
        ProbeConfiguration(timeout: timeout, insecureRegistries: insecureRegistries, caFile: caFile)
    }
}
