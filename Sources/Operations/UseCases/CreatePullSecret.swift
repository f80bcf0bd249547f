// `create`: one credential for many registries, rendered as a Secret, a docker config or an env line.
import Foundation
import RegcredCore

public enum CreateOutputFormat: String, Sendable, CaseIterable {
    case yaml, json, dockerconfigjson, env
}

public struct CreatePullSecret: Sendable {
    public var name: String
    public var namespace: String?
    public var registries: [String]
    public var profile: String?
    public var username: String?
    public var credential: Credential
    public var email: String?

    /// A password read from the user, or credentials a token source minted.
    public enum Credential: Sendable {
        case password(Redacted<String>)
        case minted(CredentialMaterial)
    }

    public init(
        name: String, namespace: String?, registries: [String], profile: String?, username: String?,
        credential: Credential, email: String?
    ) {
        self.name = name
        self.namespace = namespace
        self.registries = registries
        self.profile = profile
        self.username = username
        self.credential = credential
        self.email = email
    }

    /// The docker config: the profile's hosts then the explicit ones, without duplicates; the
    /// username given, or the profile's default.
    public func dockerConfig(catalog: ProfileCatalog) throws -> DockerConfig {
        var hosts: [String] = []
        var defaultUsername: String?
        if let profile {
            let found = try catalog.profile(named: profile)
            hosts = found.registries
            defaultUsername = found.defaultUsername
        }
        for registry in registries where !hosts.contains(registry) { hosts.append(registry) }
        switch credential {
        case .password(let password):
            guard !hosts.isEmpty else { throw CreateError.noRegistries }
            guard let user = username ?? defaultUsername, !user.isEmpty else { throw CreateError.noUsername(profile: profile) }
            let config = try DockerConfig.basic(registries: hosts, username: user, password: password.value, email: email)
            try config.checkedForWrite(serving: hosts)
            return config
        case .minted(let material):
            guard !hosts.isEmpty || !material.ownRegistries.isEmpty else { throw CreateError.noRegistries }
            let config = try DockerConfig(parsing: material.pullSecretContent(registries: hosts), format: .dockerConfigJSON)
            try config.checkedForWrite(serving: hosts)
            return config
        }
    }

    public func rendered(as format: CreateOutputFormat, envName: String?, catalog: ProfileCatalog) throws -> String {
        let config = try dockerConfig(catalog: catalog)
        switch format {
        case .yaml:
            return PullSecretManifest.make(name: name, namespace: namespace, config: config).yamlString()
        case .json:
            return PullSecretManifest.make(name: name, namespace: namespace, config: config).encodedString(pretty: true) + "\n"
        case .dockerconfigjson:
            return String(decoding: config.encoded(), as: UTF8.self) + "\n"
        case .env:
            return "\(Self.environmentVariableName(envName ?? name))=\(config.encoded().base64EncodedString())\n"
        }
    }

    /// `NAME_64`, the GitOps convention for variables holding base64: upper-cased, with every
    /// character a shell variable cannot hold turned into `_`.
    public static func environmentVariableName(_ base: String) -> String {
        var name = String(base.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        if name.first?.isNumber == true { name = "_" + name }
        return name.hasSuffix("_64") ? name : name + "_64"
    }
}

public enum CreateError: UserFacingError, Equatable {
    case noRegistries
    case noUsername(profile: String?)

    public var kind: FailureKind { .usage }

    public var description: String {
        switch self {
        case .noRegistries:
            "no registry given; pass --registry HOST (repeatable) or --profile NAME (see `regcred profiles`)"
        case .noUsername(let profile):
            profile.map { "profile \($0) has no default username; pass --username" } ?? "no username given; pass --username"
        }
    }
}
