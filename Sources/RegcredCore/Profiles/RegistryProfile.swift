// A registry profile: a named set of registry hosts that one credential serves.

public struct RegistryProfile: Hashable, Sendable {
    public enum Origin: String, Hashable, Sendable { case builtIn = "built-in", user }

    public let name: String
    public let registries: [String]
    /// The username this registry family expects when none is given (IBM Cloud: `iamapikey`).
    public let defaultUsername: String?
    public let summary: String
    public let origin: Origin

    public init(name: String, registries: [String], defaultUsername: String? = nil, summary: String = "", origin: Origin) {
        self.name = name
        self.registries = registries
        self.defaultUsername = defaultUsername
        self.summary = summary
        self.origin = origin
    }
}

extension RegistryProfile {
    /// The profiles regcred knows without configuration. IBM Cloud Container Registry regions list
    /// the hosts a region's images are pulled from, including the legacy bluemix domains.
    public static let builtIn: [RegistryProfile] = [
        ibm("us", "US South", ["us.icr.io", "private.us.icr.io", "registry.ng.bluemix.net"]),
        ibm("au", "AP South", ["au.icr.io", "private.au.icr.io", "registry.au-syd.bluemix.net"]),
        ibm("jp", "AP North", ["jp.icr.io", "private.jp.icr.io", "au.icr.io", "private.au.icr.io", "registry.au-syd.bluemix.net"]),
        ibm("fr2", "EU Central (fr2)", ["fr2.icr.io", "private.fr2.icr.io", "de.icr.io", "private.de.icr.io", "registry.eu-de.bluemix.net"]),
        ibm("de", "EU Central", ["de.icr.io", "private.de.icr.io", "registry.eu-de.bluemix.net"]),
        ibm("uk", "UK South", ["uk.icr.io", "private.uk.icr.io", "registry.eu-gb.bluemix.net"]),
        RegistryProfile(
            name: "dockerhub", registries: ["https://index.docker.io/v1/"],
            summary: "Docker Hub (the key docker login writes)", origin: .builtIn),
        RegistryProfile(
            name: "ghcr", registries: ["ghcr.io"],
            summary: "GitHub Container Registry", origin: .builtIn),
    ]

    private static func ibm(_ region: String, _ label: String, _ hosts: [String]) -> RegistryProfile {
        RegistryProfile(
            name: "ibm-\(region)", registries: hosts, defaultUsername: "iamapikey",
            summary: "IBM Cloud Container Registry, \(label)", origin: .builtIn)
    }
}
