// ProfileCatalog: the built-in profiles plus a user's own, looked up by name.

public struct ProfileCatalog: Sendable {
    public private(set) var profiles: [RegistryProfile]

    public init(profiles: [RegistryProfile] = RegistryProfile.builtIn) {
        self.profiles = profiles
    }

    /// Built-ins overlaid with the profiles of a user's YAML file; a user profile with a
    /// built-in's name replaces it (to add a host to a region, say).
    public init(userYAML: String, source: String) throws(ProfileFileError) {
        self.init()
        for profile in try Self.parse(userYAML, source: source) {
            profiles.removeAll { $0.name == profile.name }
            profiles.append(profile)
        }
    }

    public func profile(named name: String) throws(ProfileLookupError) -> RegistryProfile {
        if let profile = profiles.first(where: { $0.name == name }) { return profile }
        throw ProfileLookupError(name: name, known: profiles.map(\.name))
    }

    /// The user file format:
    /// ```yaml
    /// profiles:
    ///   acme-eu:
    ///     registries: [eu.registry.acme.example, registry.acme.example]
    ///     username: robot$ci          # optional default username
    ///     description: ACME, Europe   # optional
    /// ```
    static func parse(_ text: String, source: String) throws(ProfileFileError) -> [RegistryProfile] {
        let document: JSONValue
        do { document = try JSONValue(yaml: text) } catch { throw ProfileFileError(source: source, problem: "\(error)") }
        if document == .null { return [] }
        guard case .object(let top) = document, case .object(let entries)? = top["profiles"] else {
            throw ProfileFileError(source: source, problem: "expected a top-level \"profiles:\" mapping of profile names")
        }
        var result: [RegistryProfile] = []
        for (name, value) in entries.sorted(by: { $0.key < $1.key }) {
            guard case .object(let fields) = value else {
                throw ProfileFileError(source: source, problem: "profile \"\(name)\" must be a mapping with \"registries:\"")
            }
            guard case .array(let hosts)? = fields["registries"], !hosts.isEmpty else {
                throw ProfileFileError(source: source, problem: "profile \"\(name)\" needs a non-empty \"registries:\" list")
            }
            var registries: [String] = []
            for host in hosts {
                guard case .string(let text) = host, !text.isEmpty, (try? RegistryKey(parsing: text)) != nil else {
                    throw ProfileFileError(source: source, problem: "profile \"\(name)\": \(host) is not a registry host")
                }
                registries.append(text)
            }
            result.append(RegistryProfile(
                name: name, registries: registries, defaultUsername: fields["username"]?.stringValue,
                summary: fields["description"]?.stringValue ?? "", origin: .user))
        }
        return result
    }
}

public struct ProfileLookupError: Error, Equatable, CustomStringConvertible {
    public let name: String
    public let known: [String]
    public var description: String {
        "unknown registry profile \"\(name)\"; known profiles: \(known.joined(separator: ", ")) (add your own in a profiles file, see `regcred profiles --help`)"
    }
}

public struct ProfileFileError: Error, Equatable, CustomStringConvertible {
    public let source: String
    public let problem: String
    public var description: String { "profiles file \(source): \(problem)" }
}
