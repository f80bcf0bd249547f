// A key of a docker config's `auths` map (`https://index.docker.io/v1/`, `ghcr.io`,
// `http://reg:5000/v2/team`, `*.example.com`), normalised into the index key the kubelet files
// its credentials under. The part of Go's `net/url.Parse` it relies on is RegistryKey+GoURL.swift.
import Foundation

/// A docker config key, normalised exactly as the kubelet's `BasicDockerKeyring.Add`
/// (`pkg/credentialprovider/keyring.go`) does it:
///
/// 1. without an `http://` or `https://` prefix, `https://` is prepended;
/// 2. the result is parsed with Go's `url.Parse` (a key it rejects is logged and ignored);
/// 3. the scheme is dropped; a path starting with `/v1/` or `/v2/` loses its first three
///    characters (`/v2/team` → `/team`, `/v1/` → `/`), because the docker client treats those
///    API prefixes as the bare host;
/// 4. the index key is `host[:port]` when that path is empty or `/`, else `host[:port]` + path.
///
/// `ghcr.io`, `https://ghcr.io` and `https://ghcr.io/v2/` therefore all file their credentials
/// under the same index key, `ghcr.io`.
public struct RegistryKey: Hashable, Sendable {
    /// The key exactly as written in the docker config.
    public let original: String
    /// The host without its port, as `net.SplitHostPort` splits it (`reg` for `reg:5000`).
    /// When the host cannot be split (no port, or brackets without one) it is the whole host,
    /// e.g. `[::1]` — the same string the kubelet splits into labels.
    public let hostname: String
    /// The port, when the key names one (`5000` for `reg:5000`); `nil` otherwise.
    public let port: String?
    /// The effective path after `/v1/` or `/v2/` is stripped; `""` when it is empty or `/`.
    public let path: String
    /// The string the kubelet indexes this key's credentials under: `host[:port]` + `path`.
    public let indexKey: String

    /// The index key parsed again as a schemeless URL, as `Lookup` does before every match.
    let lookupURL: GoURL

    /// Normalises a docker config key the way the kubelet does.
    ///
    /// Throws for keys the kubelet ignores (those Go's `url.Parse` rejects) and for keys it
    /// indexes but can never match: no host at all, or an index key that no longer parses
    /// when `Lookup` parses it again (a percent-escaped `?`, `#` or `%` in the path).
    public init(parsing key: String, kubelet: KubeletVersion = .newest) throws(RegistryKeyError) {
        guard !key.isEmpty else { throw .empty }
        original = key

        // keyring.go: `if !HasPrefix(value, "https://") && !HasPrefix(value, "http://")`.
        // The check is case-sensitive, as in Go.
        let withScheme = key.hasPrefix("https://") || key.hasPrefix("http://") ? key : "https://" + key
        let parsed = try GoURL(parsing: withScheme, reportingAs: key, kubelet: kubelet)
        guard !parsed.host.isEmpty else { throw .missingHost(key: key) }

        // keyring.go: "It also considers /v2/ and /v1/ equivalent to the hostname".
        var effectivePath = parsed.path
        if effectivePath.hasPrefix("/v2/") || effectivePath.hasPrefix("/v1/") {
            effectivePath = String(effectivePath.dropFirst(3))
        }
        path = effectivePath == "/" ? "" : effectivePath
        indexKey = parsed.host + path

        let split = parsed.hostAndPort
        hostname = split.host
        port = split.port.isEmpty ? nil : split.port

        // keyring.go `Lookup` → `URLsMatchStr(indexKey, image)` → `ParseSchemelessURL`:
        // the index key is parsed again with "https://" in front; on error the entry is skipped.
        do {
            lookupURL = try GoURL(parsing: "https://" + indexKey, reportingAs: key, kubelet: kubelet)
        } catch {
            throw .indexKeyUnparseable(key: key, indexKey: indexKey)
        }
    }

    /// True when the kubelet serves this key's credentials to Docker Hub images that nothing
    /// else matched (`dk.creds[defaultRegistryHost]`, with `defaultRegistryHost = "index.docker.io"`).
    var isDockerHubFallbackKey: Bool { indexKey == "index.docker.io" }
}

/// Why a docker config key cannot serve any image.
public enum RegistryKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case controlCharacter(key: String)
    case invalidPercentEscape(key: String, escape: String)
    case invalidHostCharacter(key: String, character: String)
    case invalidPort(key: String, port: String)
    case missingClosingBracket(key: String)
    case invalidIPLiteral(key: String, host: String)
    case invalidUserinfo(key: String)
    case missingHost(key: String)
    case indexKeyUnparseable(key: String, indexKey: String)

    /// The reason alone, without the key; suits a table that already shows the key.
    public var reason: String {
        switch self {
        case .empty:
            "the key is empty"
        case .controlCharacter:
            "it contains a control character"
        case .invalidPercentEscape(_, let escape):
            "\"\(escape)\" is not a valid percent-escape"
        case .invalidHostCharacter(_, let character):
            "the host contains \"\(character)\", which is not allowed in a host name"
        case .invalidPort(_, let port):
            "\"\(port)\" is not a port; a port is digits only, as in reg.example.com:5000"
        case .missingClosingBracket:
            "the IPv6 host has \"[\" without a closing \"]\""
        case .invalidIPLiteral(_, let host):
            "\"[\" may only enclose an IPv6 address at the start of the host, as in [fd00::1]:5000, "
                + "so \"\(host)\" is rejected (character classes in hosts stopped working with Go 1.24.8 and 1.25.2)"
        case .invalidUserinfo:
            "the part before \"@\" is not valid user information"
        case .missingHost:
            "it has no host; write it as host[:port][/path], e.g. ghcr.io or reg.example.com:5000/team"
        case .indexKeyUnparseable(_, let indexKey):
            "it normalises to \"\(indexKey)\", which the kubelet cannot parse again when matching"
        }
    }

    public var description: String {
        switch self {
        case .empty:
            "registry key is empty; use a registry host such as ghcr.io or https://index.docker.io/v1/"
        case .controlCharacter(let key), .invalidPercentEscape(let key, _),
            .invalidHostCharacter(let key, _), .invalidPort(let key, _), .missingClosingBracket(let key), .invalidIPLiteral(let key, _),
            .invalidUserinfo(let key), .missingHost(let key), .indexKeyUnparseable(let key, _):
            "registry key \"\(key)\" is invalid: \(reason); the kubelet never uses this entry"
        }
    }
}
