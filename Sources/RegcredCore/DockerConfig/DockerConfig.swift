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
        do { document = try OrderedJSON(parsing: data).lastWins } catch { throw .invalidJSON(error) }
        try self.init(document: document, format: format)
    }

    /// Parses `data`, telling the formats apart: a top-level `auths` object means `.dockerconfigjson`,
    /// a map of objects without it means the legacy `.dockercfg`.
    public init(parsingDetectingFormat data: Data) throws(DockerConfigError) {
        let document: JSONValue
        do { document = try OrderedJSON(parsing: data).lastWins } catch { throw .invalidJSON(error) }
        try self.init(document: document, format: Self.detectFormat(of: document))
    }

    /// Reads a tree as Go's decoder would: `auths` and the entry fields in any letter case
    /// (written back in their canonical spelling), null entries as empty ones, the empty
    /// registry key accepted. A tree has lost document order, so where two spellings of one
    /// field meet, the exact spelling counts as the later one.
    public init(document: JSONValue, format: DockerConfigFormat) throws(DockerConfigError) {
        guard case .object(var members) = document else { throw .notAnObject(found: document.kindDescription) }
        var auths: [String: JSONValue] = [:]
        switch format {
        case .dockerConfigJSON:
            let spellings = Self.spellings(of: "auths", in: members)
            guard !spellings.isEmpty else { throw .missingAuths }
            for spelling in spellings {
                switch members.removeValue(forKey: spelling) {
                case .object(let map)?: auths.merge(map) { _, later in later }
                case .null?, nil: auths = [:]
                case let value?: throw .authsNotAnObject(found: value.kindDescription)
                }
            }
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
            entries[registry] = try Self.entry(registry: registry, value: value)
        }
        self.entries = entries
    }

    /// The keys of `members` that Go assigns to the field `name`, the exact spelling last.
    static func spellings(of name: String, in members: [String: JSONValue]) -> [String] {
        members.keys.filter { GoFieldName.match($0, among: [name]) != nil }
            .sorted { ($0 == name ? 1 : 0, $0) < ($1 == name ? 1 : 0, $1) }
    }

    /// The format of a bare config: `auths` (in any letter case) or an empty object means
    /// `.dockerconfigjson`; a map of objects without it, the legacy `.dockercfg`.
    public static func detectFormat(of document: JSONValue) -> DockerConfigFormat {
        guard case .object(let members) = document else { return .dockerConfigJSON }
        if !spellings(of: "auths", in: members).isEmpty || members.isEmpty { return .dockerConfigJSON }
        let looksLikeEntries = members.values.allSatisfy { $0.objectValue != nil }
        return looksLikeEntries ? .dockercfg : .dockerConfigJSON
    }

    private static func entry(registry: String, value: JSONValue) throws(DockerConfigError) -> DockerConfigEntry {
        var fields: [String: JSONValue]
        switch value {
        case .object(let object): fields = object
        case .null: fields = [:]
        default: throw .entryNotAnObject(registry: registry, found: value.kindDescription)
        }
        /// The kubelet's fields in any letter case; identitytoken (docker's, not the kubelet's) as written.
        func take(_ name: String, foldingCase: Bool = true) throws(DockerConfigError) -> String? {
            var result: String?
            for spelling in foldingCase ? Self.spellings(of: name, in: fields) : [name] {
                switch fields.removeValue(forKey: spelling) {
                case .string(let text)?: result = text
                case .null?, nil: continue
                case let field?: throw .fieldNotAString(registry: registry, field: name, found: field.kindDescription)
                }
            }
            return result
        }
        return DockerConfigEntry(
            username: try take("username"), password: try take("password"), email: try take("email"),
            auth: try take("auth"), identityToken: try take("identitytoken", foldingCase: false), additionalFields: fields)
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
