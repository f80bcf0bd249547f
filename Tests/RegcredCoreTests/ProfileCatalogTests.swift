import Testing

@testable import RegcredCore

@Suite("Registry profiles")
struct ProfileCatalogTests {
    @Test("IBM Cloud regions carry their hosts and the iamapikey username", arguments: [
        ("ibm-us", ["us.icr.io", "private.us.icr.io", "registry.ng.bluemix.net"]),
        ("ibm-au", ["au.icr.io", "private.au.icr.io", "registry.au-syd.bluemix.net"]),
        ("ibm-jp", ["jp.icr.io", "private.jp.icr.io", "au.icr.io", "private.au.icr.io", "registry.au-syd.bluemix.net"]),
        ("ibm-fr2", ["fr2.icr.io", "private.fr2.icr.io", "de.icr.io", "private.de.icr.io", "registry.eu-de.bluemix.net"]),
        ("ibm-de", ["de.icr.io", "private.de.icr.io", "registry.eu-de.bluemix.net"]),
        ("ibm-uk", ["uk.icr.io", "private.uk.icr.io", "registry.eu-gb.bluemix.net"]),
    ])
    func ibmRegions(name: String, hosts: [String]) throws {
        let profile = try ProfileCatalog().profile(named: name)
        #expect(profile.registries == hosts)
        #expect(profile.defaultUsername == "iamapikey")
        #expect(profile.origin == .builtIn)
    }

    @Test("Docker Hub and GHCR are built in")
    func dockerHubAndGHCR() throws {
        #expect(try ProfileCatalog().profile(named: "dockerhub").registries == ["https://index.docker.io/v1/"])
        #expect(try ProfileCatalog().profile(named: "ghcr").registries == ["ghcr.io"])
    }

    @Test("an unknown profile names the known ones")
    func unknownProfile() {
        #expect {
            try ProfileCatalog().profile(named: "ibm-mars")
        } throws: { error in
            let text = "\(error)"
            return text.contains("unknown registry profile \"ibm-mars\"") && text.contains("ibm-us") && text.contains("ghcr")
        }
    }

    @Test("user profiles are added, and replace a built-in of the same name")
    func userProfiles() throws {
        let yaml = """
            profiles:
              acme:
                registries: [eu.registry.acme.example, "registry.acme.example:5000"]
                username: robot
                description: ACME
              ghcr:
                registries: [ghcr.io, containers.pkg.github.com]
            """
        let catalog = try ProfileCatalog(userYAML: yaml, source: "test.yaml")
        let acme = try catalog.profile(named: "acme")
        #expect(acme.registries == ["eu.registry.acme.example", "registry.acme.example:5000"])
        #expect(acme.defaultUsername == "robot")
        #expect(acme.origin == .user)
        #expect(try catalog.profile(named: "ghcr").registries == ["ghcr.io", "containers.pkg.github.com"])
        #expect(catalog.profiles.filter { $0.name == "ghcr" }.count == 1)
        #expect(try catalog.profile(named: "ibm-us").origin == .builtIn)
    }

    @Test("a malformed profiles file says which file and what is wrong", arguments: [
        ("profiles: [a, b]", "expected a top-level \"profiles:\""),
        ("profiles:\n  x: 1", "profile \"x\" must be a mapping"),
        ("profiles:\n  x:\n    registries: []", "needs a non-empty \"registries:\""),
        ("profiles:\n  x:\n    registries: [\"\"]", "is not a registry host"),
        ("profiles: {x: [", "not valid YAML"),
    ])
    func malformedFile(yaml: String, message: String) {
        #expect {
            try ProfileCatalog(userYAML: yaml, source: "/home/u/.config/regcred/profiles.yaml")
        } throws: { error in
            "\(error)".hasPrefix("profiles file /home/u/.config/regcred/profiles.yaml: ") && "\(error)".contains(message)
        }
    }

    @Test("an empty profiles file adds nothing")
    func emptyFile() throws {
        #expect(try ProfileCatalog(userYAML: "", source: "x").profiles == RegistryProfile.builtIn)
    }
}
