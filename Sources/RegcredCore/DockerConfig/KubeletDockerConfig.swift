// KubeletDockerConfig: a pull secret's bytes read exactly as the kubelet reads them
// (`pkg/credentialprovider`: Go's `encoding/json` into `DockerConfigJSON` or `DockerConfig`,
// with `DockerConfigEntry`'s own `UnmarshalJSON`). Where the kubelet refuses a secret, every
// pull of every pod that lists it fails, so this is what regcred's write gate and its checks
// are built on. `DockerConfig` stays the lossless editor; this type only answers "what does
// the kubelet make of it?".
import Foundation

public struct KubeletDockerConfig: Hashable, Sendable {
    /// One registry key's entry as the kubelet holds it.
    public struct Entry: Hashable, Sendable {
        /// The credentials the kubelet sends: from `auth` when it is set, else from the fields.
        public var username: String
        public var password: Redacted<String>
        /// The `username` field as written (Go matches field names in any letter case).
        public var usernameField: String?

        /// An entry with neither username nor password sends nothing useful.
        public var hasCredentials: Bool { !username.isEmpty || !password.value.isEmpty }
    }

    /// Entries by registry key, exactly as written; `""` is a key too (it never matches).
    public var entries: [String: Entry]

    public var registries: [String] { entries.keys.sorted() }

    /// Reads `data` as the kubelet reads a secret of `format`'s type.
    public static func read(_ data: Data, format: DockerConfigFormat) -> Result<KubeletDockerConfig, KubeletRefusal> {
        let document: JSONValue
        do { document = try JSONValue(parsing: data) } catch { return .failure(.invalidJSON(error.detail)) }
        do { return .success(try read(document, format: format)) } catch { return .failure(error) }
    }

    static func read(_ document: JSONValue, format: DockerConfigFormat) throws(KubeletRefusal) -> KubeletDockerConfig {
        let members: [String: JSONValue]
        switch document {
        case .null: return KubeletDockerConfig(entries: [:])  // Go: unmarshalling null is a no-op
        case .object(let object): members = object
        default: throw .notAnObject(found: document.kindDescription)
        }
        var auths: [(String, JSONValue)] = []
        switch format {
        case .dockercfg:
            auths = Array(members)
        case .dockerConfigJSON:
            for (_, value) in fields(named: "auths", in: members) {
                switch value {
                case .null: continue
                case .object(let map): auths += map.sorted { $0.key < $1.key }
                default: throw .authsNotAnObject(found: value.kindDescription)
                }
            }
            for (_, value) in fields(named: "HttpHeaders", in: members) {
                switch value {
                case .null: continue
                case .object(let headers):
                    for (name, header) in headers {
                        switch header {
                        case .string, .null: continue
                        default: throw .httpHeaderNotAString(name: name, found: header.kindDescription)
                        }
                    }
                default: throw .httpHeadersNotAnObject(found: value.kindDescription)
                }
            }
        }
        var entries: [String: Entry] = [:]
        for (registry, value) in auths {
            entries[registry] = try entry(registry: registry, value: value)
        }
        return KubeletDockerConfig(entries: entries)
    }

    /// `DockerConfigEntry.UnmarshalJSON`: the four string fields, then `auth` decoded and split.
    private static func entry(registry: String, value: JSONValue) throws(KubeletRefusal) -> Entry {
        let fields: [String: JSONValue]
        switch value {
        case .null: fields = [:]  // Go calls UnmarshalJSON with null: an empty entry
        case .object(let object): fields = object
        default: throw .entryNotAnObject(registry: registry, found: value.kindDescription)
        }
        func string(_ name: String) throws(KubeletRefusal) -> String? {
            var result: String?
            for (_, field) in Self.fields(named: name, in: fields) {
                switch field {
                case .string(let text): result = text
                case .null: continue
                default: throw .fieldNotAString(registry: registry, field: name, found: field.kindDescription)
                }
            }
            return result
        }
        let usernameField = try string("username")
        let passwordField = try string("password")
        _ = try string("email")
        let auth = try string("auth") ?? ""
        guard !auth.isEmpty else {
            return Entry(username: usernameField ?? "", password: Redacted(passwordField ?? ""), usernameField: usernameField)
        }
        switch BasicAuthField.decode(auth) {
        case .undecodable: throw .authNotBase64(registry: registry)
        case .missingSeparator: throw .authWithoutColon(registry: registry)
        case .credentials(let username, let password):
            return Entry(username: username, password: Redacted(password), usernameField: usernameField)
        }
    }

    /// The members Go's decoder assigns to the struct field `name`: every key equal to it
    /// ignoring letter case, the exact spelling last (the JSON tree does not keep document
    /// order, which decides between two spellings in Go).
    static func fields(named name: String, in members: [String: JSONValue]) -> [(String, JSONValue)] {
        let folded = name.lowercased()
        return members.filter { $0.key.lowercased() == folded }
            .sorted { ($0.key == name ? 1 : 0, $0.key) < ($1.key == name ? 1 : 0, $1.key) }
    }
}

/// Why the kubelet refuses a pull secret as a whole. Messages name entries and fields, never values.
public enum KubeletRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidJSON(String)
    case notAnObject(found: String)
    case authsNotAnObject(found: String)
    case httpHeadersNotAnObject(found: String)
    case httpHeaderNotAString(name: String, found: String)
    case entryNotAnObject(registry: String, found: String)
    case fieldNotAString(registry: String, field: String, found: String)
    case authNotBase64(registry: String)
    case authWithoutColon(registry: String)

    /// The registry key of the entry at fault, if one is.
    public var registry: String? {
        switch self {
        case .entryNotAnObject(let registry, _), .fieldNotAString(let registry, _, _), .authNotBase64(let registry),
            .authWithoutColon(let registry):
            registry
        default: nil
        }
    }

    public var description: String {
        let consequence = "the kubelet refuses the whole secret, so every pull that uses it fails"
        switch self {
        case .invalidJSON(let detail): return "the docker config is not valid JSON (\(detail)); \(consequence)"
        case .notAnObject(let found): return "the docker config must be a JSON object, found \(found); \(consequence)"
        case .authsNotAnObject(let found): return "\"auths\" must be an object, found \(found); \(consequence)"
        case .httpHeadersNotAnObject(let found): return "\"HttpHeaders\" must be an object, found \(found); \(consequence)"
        case .httpHeaderNotAString(let name, let found):
            return "\"HttpHeaders\" value \"\(name)\" must be a string, found \(found); \(consequence)"
        case .entryNotAnObject(let registry, let found):
            return "entry \"\(registry)\" must be an object, found \(found); \(consequence)"
        case .fieldNotAString(let registry, let field, let found):
            return "entry \"\(registry)\": \"\(field)\" must be a string, found \(found); \(consequence)"
        case .authNotBase64(let registry):
            return "entry \"\(registry)\": auth is not valid base64; \(consequence)"
        case .authWithoutColon(let registry):
            return "entry \"\(registry)\": auth does not decode to username:password (no ':'); \(consequence)"
        }
    }
}
