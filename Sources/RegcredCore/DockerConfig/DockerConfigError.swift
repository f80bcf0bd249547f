// Why a document is not a usable docker config, in words that say how to fix it.

public enum DockerConfigError: Error, Equatable, CustomStringConvertible {
    case invalidJSON(JSONSyntaxError)
    case notAnObject(found: String)
    case missingAuths
    case authsNotAnObject(found: String)
    case entryNotAnObject(registry: String, found: String)
    case fieldNotAString(registry: String, field: String, found: String)
    case emptyRegistryKey
    case noSuchRegistry(String, available: [String])
    case noUsername(registry: String)
    case emptyPassword
    case usernameContainsColon

    public var description: String {
        switch self {
        case .invalidJSON(let error):
            "docker config is \(error)"
        case .notAnObject(let found):
            "docker config must be a JSON object like {\"auths\":{\"registry.example.com\":{…}}}, found \(found)"
        case .missingAuths:
            "docker config has no \"auths\" object; a .dockerconfigjson looks like {\"auths\":{\"registry.example.com\":{\"username\":…,\"password\":…,\"auth\":…}}}"
        case .authsNotAnObject(let found):
            "\"auths\" must be an object mapping registry hosts to credentials, found \(found)"
        case .entryNotAnObject(let registry, let found):
            "entry \"\(registry)\" must be an object with username, password and auth, found \(found)"
        case .fieldNotAString(let registry, let field, let found):
            "entry \"\(registry)\": \"\(field)\" must be a string, found \(found)"
        case .emptyRegistryKey:
            "docker config has an entry with an empty registry key"
        case .noSuchRegistry(let registry, let available):
            "no entry for registry \"\(registry)\"; the config has: \(available.isEmpty ? "no entries" : available.joined(separator: ", "))"
        case .noUsername(let registry):
            "entry \"\(registry)\" has no username to keep; pass --username"
        case .emptyPassword:
            "the password is empty; pass a non-empty token or password"
        case .usernameContainsColon:
            "the username contains ':'; the kubelet splits auth at the first ':', so the registry would receive a different username and password"
        }
    }
}
