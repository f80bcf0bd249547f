// DockerConfig: the registry credentials document of a pull secret, parsed and encoded losslessly.
import Foundation

public struct DockerConfig: Hashable, Sendable {
    public var format: DockerConfigFormat
    /// Entries by registry key exactly as written (`https://index.docker.io/v1/`, `ghcr.io`, …).
    public var entries: [String: DockerConfigEntry]
    /// `HttpHeaders` of a `.dockerconfigjson`, kept as written.
    public var httpHeaders: JSONValue?
    /// Other top-level fields (`credsStore`, `credHelpers`, … in a ~/.docker/config.json), kept as written.
    public var additionalFields: [String: JSONValue]

    public init(
        format: DockerConfigFormat = .dockerConfigJSON, entries: [String: DockerConfigEntry] = [:],
        httpHeaders: JSONValue? = nil, additionalFields: [String: JSONValue] = [:]
    ) {
        self.format = format
        self.entries = entries
        self.httpHeaders = httpHeaders
        self.additionalFields = additionalFields
    }

    /// Registry keys in a stable order, for output.
    public var registries: [String] { entries.keys.sorted() }
}

// MARK: - Reading

extension DockerConfig {
    /// Parses `data` as the given format.
    public init(parsing data: Data, format: DockerConfigFormat) throws(DockerConfigError) {
        let document: JSONValue
        do { document = try JSONValue(parsing: data) } catch { throw .invalidJSON(error) }
        try self.init(document: document, format: format)
    }

    /// Parses `data`, telling the formats apart: a top-level `auths` object means `.dockerconfigjson`,
    /// a map of objects without it means the legacy `.dockercfg`.
    public init(parsingDetectingFormat data: Data) throws(DockerConfigError) {
        let document: JSONValue
        do { document = try JSONValue(parsing: data) } catch { throw .invalidJSON(error) }
        try self.init(document: document, format: Self.detectFormat(of: document))
    }

    public init(document: JSONValue, format: DockerConfigFormat) throws(DockerConfigError) {
        guard case .object(var members) = document else { throw .notAnObject(found: document.kindDescription) }
        let auths: [String: JSONValue]
        switch format {
        case .dockerConfigJSON:
            guard let value = members.removeValue(forKey: "auths") else { throw .missingAuths }
            guard case .object(let map) = value else { throw .authsNotAnObject(found: value.kindDescription) }
            auths = map
            self.httpHeaders = members.removeValue(forKey: "HttpHeaders")
            self.additionalFields = members
        case .dockercfg:
            auths = members
            self.httpHeaders = nil
            self.additionalFields = [:]
        }
        self.format = format
        var entries: [String: DockerConfigEntry] = [:]
        for (registry, value) in auths {
            guard !registry.isEmpty else { throw .emptyRegistryKey }
            entries[registry] = try Self.entry(registry: registry, value: value)
        }
        self.entries = entries
    }

    static func detectFormat(of document: JSONValue) -> DockerConfigFormat {
        guard case .object(let members) = document else { return .dockerConfigJSON }
        if members["auths"] != nil || members.isEmpty { return .dockerConfigJSON }
        let looksLikeEntries = members.values.allSatisfy { $0.objectValue != nil }
        return looksLikeEntries ? .dockercfg : .dockerConfigJSON
    }

    private static func entry(registry: String, value: JSONValue) throws(DockerConfigError) -> DockerConfigEntry {
        guard case .object(var fields) = value else {
            throw .entryNotAnObject(registry: registry, found: value.kindDescription)
        }
        func take(_ name: String) throws(DockerConfigError) -> String? {
            guard let field = fields.removeValue(forKey: name) else { return nil }
            switch field {
            case .string(let text): return text
            case .null: return nil
            default: throw .fieldNotAString(registry: registry, field: name, found: field.kindDescription)
            }
        }
        return DockerConfigEntry(
            username: try take("username"), password: try take("password"), email: try take("email"),
            auth: try take("auth"), identityToken: try take("identitytoken"), additionalFields: fields)
    }
}

// MARK: - Writing

extension DockerConfig {
    /// The document as a JSON tree; `encoded()` serialises it deterministically.
    public var document: JSONValue {
        var auths: [String: JSONValue] = [:]
        for (registry, entry) in entries {
            var fields = entry.additionalFields
            if let username = entry.username { fields["username"] = .string(username) }
            if let password = entry.password { fields["password"] = .string(password) }
            if let email = entry.email { fields["email"] = .string(email) }
            if let auth = entry.auth { fields["auth"] = .string(auth) }
            if let token = entry.identityToken { fields["identitytoken"] = .string(token) }
            auths[registry] = .object(fields)
        }
        switch format {
        case .dockercfg:
            return .object(auths)
        case .dockerConfigJSON:
            var members = additionalFields
            members["auths"] = .object(auths)
            if let httpHeaders { members["HttpHeaders"] = httpHeaders }
            return .object(members)
        }
    }

    /// Compact JSON with sorted keys: the same credentials always give the same bytes, so
    /// content hashes and GitOps diffs stay quiet.
    public func encoded(pretty: Bool = false) -> Data { document.encoded(pretty: pretty) }
}
