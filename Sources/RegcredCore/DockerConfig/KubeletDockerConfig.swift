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
    /// What the kubelet read differently from how the document looks: repeated keys, field
    /// names in other letter cases, an empty registry key. Nothing here is refused.
    public var notes: [KubeletReadingNote] = []

    public var registries: [String] { entries.keys.sorted() }

    public init(entries: [String: Entry], notes: [KubeletReadingNote] = []) {
        self.entries = entries
        self.notes = notes
    }

    /// Reads `data` as the kubelet reads a secret of `format`'s type.
    public static func read(_ data: Data, format: DockerConfigFormat) -> Result<KubeletDockerConfig, KubeletRefusal> {
        let document: OrderedJSON
        do { document = try OrderedJSON(parsing: data) } catch { return .failure(.invalidJSON(error.detail)) }
        do { return .success(try read(document, format: format)) } catch { return .failure(error) }
    }

    /// Reads a document already parsed, members in document order as Go's decoder visits them:
    /// a repeated key is decoded again over the first (the last wins), a second `auths` merges
    /// into the first, and an `auths` of null empties what came before it.
    public static func read(_ document: OrderedJSON, format: DockerConfigFormat) throws(KubeletRefusal) -> KubeletDockerConfig {
        let members: [OrderedJSON.Member]
        switch document {
        case .null: return KubeletDockerConfig(entries: [:])  // Go: unmarshalling null is a no-op
        case .object(let object): members = object
        default: throw .notAnObject(found: document.kindDescription)
        }
        var notes: [KubeletReadingNote] = document.duplicateKeyPaths.map { .repeatedKey(path: $0) }
        var entries: [String: Entry] = [:]
        // Entries are decoded as Go meets them: the first one it refuses fails the document,
        // even when a later `auths` would have replaced it.
        func decode(_ auths: [OrderedJSON.Member], under prefix: [String]) throws(KubeletRefusal) {
            for member in auths {
                let (entry, spellings) = try Self.entry(registry: member.key, value: member.value)
                entries[member.key] = entry
                notes += spellings.map { .fieldSpelling(path: prefix + [member.key, $0.written], field: $0.field) }
            }
        }
        switch format {
        case .dockercfg:
            try decode(members, under: [])
        case .dockerConfigJSON:
            for member in members {
                guard let field = GoFieldName.match(member.key, among: ["auths", "HttpHeaders"]) else { continue }
                if member.key != field { notes.append(.fieldSpelling(path: [member.key], field: field)) }
                switch (field, member.value) {
                case ("auths", .null): entries = [:]
                case ("auths", .object(let map)): try decode(map, under: [member.key])
                case ("auths", let value): throw .authsNotAnObject(found: value.kindDescription)
                case (_, .null): continue
                case (_, .object(let headers)):
                    for header in headers {
                        switch header.value {
                        case .string, .null: continue
                        default: throw .httpHeaderNotAString(name: header.key, found: header.value.kindDescription)
                        }
                    }
                case (_, let value): throw .httpHeadersNotAnObject(found: value.kindDescription)
                }
            }
        }
        if entries[""] != nil { notes.append(.emptyRegistryKey) }
        var seen = Set<KubeletReadingNote>()
        return KubeletDockerConfig(entries: entries, notes: notes.filter { seen.insert($0).inserted })
    }

    /// `DockerConfigEntry.UnmarshalJSON`: the four string fields, then `auth` decoded and split.
    private static func entry(
        registry: String, value: OrderedJSON
    ) throws(KubeletRefusal) -> (Entry, [(written: String, field: String)]) {
        let members: [OrderedJSON.Member]
        switch value {
        case .null: members = []  // Go calls UnmarshalJSON with null: an empty entry
        case .object(let object): members = object
        default: throw .entryNotAnObject(registry: registry, found: value.kindDescription)
        }
        var fields: [String: String] = [:]
        var spellings: [(written: String, field: String)] = []
        for member in members {
            guard let field = GoFieldName.match(member.key, among: ["username", "password", "email", "auth"]) else { continue }
            if member.key != field { spellings.append((member.key, field)) }
            switch member.value {
            case .string(let text): fields[field] = text
            case .null: continue  // null leaves a Go string as it was
            default: throw .fieldNotAString(registry: registry, field: field, found: member.value.kindDescription)
            }
        }
        let usernameField = fields["username"]
        let auth = fields["auth"] ?? ""
        guard !auth.isEmpty else {
            return (Entry(username: usernameField ?? "", password: Redacted(fields["password"] ?? ""), usernameField: usernameField), spellings)
        }
        switch BasicAuthField.decode(auth) {
        case .undecodable: throw .authNotBase64(registry: registry)
        case .missingSeparator: throw .authWithoutColon(registry: registry)
        case .credentials(let username, let password):
            return (Entry(username: username, password: Redacted(password), usernameField: usernameField), spellings)
        }
    }
}

/// Something the kubelet reads differently from how the document looks, said so a person can
/// tidy it; none of these fails a pull by itself.
public enum KubeletReadingNote: Hashable, Sendable, CustomStringConvertible {
    /// An object repeats a key; Go keeps the last value (regcred's editor too).
    case repeatedKey(path: [String])
    /// A member whose name matches a field only ignoring letter case (`"Password"`); Go reads it as that field.
    case fieldSpelling(path: [String], field: String)
    /// An entry under the registry key `""`: the kubelet accepts it, and it never matches an image.
    case emptyRegistryKey

    public var description: String {
        switch self {
        case .repeatedKey(let path):
            "key \(Self.render(path)) appears more than once; the kubelet (Go's encoding/json) uses the last one"
        case .fieldSpelling(let path, let field):
            "\(Self.render(path)) is read as \"\(field)\" (Go matches field names in any letter case); write \"\(field)\""
        case .emptyRegistryKey:
            "an entry has the empty registry key \"\"; the kubelet accepts it but never uses it for any image"
        }
    }

    static func render(_ path: [String]) -> String {
        path.map { "\"\($0)\"" }.joined(separator: " → ")
    }
}

/// How Go's `encoding/json` assigns an object member to a struct field: the exact name, or
/// failing that a name equal under Unicode simple case folding (so `AUTH`, `Auth` and even
/// `auth` spelled with U+212A KELVIN SIGN for K, or `paſſword` with U+017F, count).
enum GoFieldName {
    /// The field `key` is decoded into, if any.
    static func match(_ key: String, among fields: [String]) -> String? {
        if fields.contains(key) { return key }
        let folded = fold(key)
        return fields.first { fold($0) == folded }
    }

    /// Go's `foldName`: every rune replaced by the smallest rune of its simple-folding orbit.
    /// For the ASCII field names that matter here, only ASCII letters, U+017F (ſ) and U+212A
    /// (K) fold onto them; any other rune cannot match and is kept as is.
    static func fold(_ name: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0x61...0x7A: result.append(Unicode.Scalar(scalar.value - 0x20)!)
            case 0x17F: result.append("S")
            case 0x212A: result.append("K")
            default: result.append(scalar)
            }
        }
        return String(result)
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
        "\(reason); the kubelet refuses the whole secret, so every pull that uses it fails"
    }

    /// What is wrong, without the consequence; suits a sentence that says the consequence itself.
    public var reason: String {
        switch self {
        case .invalidJSON(let detail): "the docker config is not valid JSON (\(detail))"
        case .notAnObject(let found): "the docker config must be a JSON object, found \(found)"
        case .authsNotAnObject(let found): "\"auths\" must be an object, found \(found)"
        case .httpHeadersNotAnObject(let found): "\"HttpHeaders\" must be an object, found \(found)"
        case .httpHeaderNotAString(let name, let found): "\"HttpHeaders\" value \"\(name)\" must be a string, found \(found)"
        case .entryNotAnObject(let registry, let found): "entry \"\(registry)\" must be an object, found \(found)"
        case .fieldNotAString(let registry, let field, let found): "entry \"\(registry)\": \"\(field)\" must be a string, found \(found)"
        case .authNotBase64(let registry): "entry \"\(registry)\": auth is not valid base64"
        case .authWithoutColon(let registry): "entry \"\(registry)\": auth does not decode to username:password (no ':')"
        }
    }
}
