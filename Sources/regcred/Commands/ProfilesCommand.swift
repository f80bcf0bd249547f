// `regcred profiles`: list the built-in and user registry profiles.
import ArgumentParser
import Foundation
import Operations
import RegcredCore

struct ProfilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles",
        abstract: "List registry profiles: named sets of hosts that share one credential.",
        discussion: """
            Add your own in a YAML file (--profiles FILE, or $XDG_CONFIG_HOME/regcred/profiles.yaml):

              profiles:
                acme-eu:
                  registries: [eu.registry.acme.example, registry.acme.example]
                  username: robot-ci            # optional default username
                  description: ACME, Europe     # optional

            A user profile with a built-in's name replaces it.
            """)

    @Option(name: [.short, .customLong("output")], help: "Output format: table or json.")
    var output: ShowOutputFormat = .table

    @OptionGroup var profiles: ProfileFileOptions

    func run() throws {
        let catalog = try ProfileCatalogLoader.load(explicitPath: profiles.path)
        Terminal.write(ListProfiles.render(catalog, as: output))
    }
}
