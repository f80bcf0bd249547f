// A key of a docker config's `auths` map (`https://index.docker.io/v1/`, `ghcr.io`,
// `http://reg:5000/v2/team`, `*.example.com`), normalised into the index key the kubelet files
// its credentials under. Owns the small part of Go's `net/url.Parse` that the kubelet relies on.
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
    public init(parsing key: String) throws(RegistryKeyError) {
        guard !key.isEmpty else { throw .empty }
        original = key

        // keyring.go: `if !HasPrefix(value, "https://") && !HasPrefix(value, "http://")`.
        // The check is case-sensitive, as in Go.
        let withScheme = key.hasPrefix("https://") || key.hasPrefix("http://") ? key : "https://" + key
        let parsed = try GoURL(parsing: withScheme, reportingAs: key)
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
            lookupURL = try GoURL(parsing: "https://" + indexKey, reportingAs: key)
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
            .invalidHostCharacter(let key, _), .invalidPort(let key, _), .missingClosingBracket(let key),
            .invalidUserinfo(let key), .missingHost(let key), .indexKeyUnparseable(let key, _):
            "registry key \"\(key)\" is invalid: \(reason); the kubelet never uses this entry"
        }
    }
}

extension RegistryKey {
    /// The two fields of Go's `*url.URL` the kubelet reads, `Host` and `Path`, computed the way
    /// Go's `url.Parse` computes them for an `http://` or `https://` URL (net/url: cut the
    /// fragment at `#`, reject control bytes, cut the query at `?`, take the authority up to
    /// the first `/`, drop user information up to the last `@`, validate the host's characters
    /// and port, percent-decode host and path). IPv6 zone identifiers are treated as host text.
    struct GoURL: Hashable, Sendable {
        /// `url.Host`: host[:port], percent-decoded.
        let host: String
        /// `url.Path`: percent-decoded.
        let path: String

        /// A URL assembled from parts already known to be valid.
        init(host: String, path: String) {
            self.host = host
            self.path = path
        }

        /// `text` must start with `http://` or `https://`; `key` is what errors report.
        init(parsing text: String, reportingAs key: String) throws(RegistryKeyError) {
            var bytes = Array(text.utf8)[...]
            // url.Parse cuts the fragment first; the fragment must only hold valid escapes.
            if let hash = bytes.firstIndex(of: UInt8(ascii: "#")) {
                _ = try Self.unescape(bytes[(hash + 1)...], inHost: false, key: key)
                bytes = bytes[..<hash]
            }
            if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) { throw .controlCharacter(key: key) }

            // The scheme: everything up to the first ":" (our callers always supply http or https).
            guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
                throw .missingHost(key: key)
            }
            var rest = bytes[(colon + 1)...]

            // A lone trailing "?" is Go's ForceQuery; otherwise the query starts at the first "?".
            let questionMarks = rest.filter { $0 == UInt8(ascii: "?") }.count
            if questionMarks == 1, rest.last == UInt8(ascii: "?") {
                rest = rest.dropLast()
            } else if let question = rest.firstIndex(of: UInt8(ascii: "?")) {
                rest = rest[..<question]
            }

            guard rest.starts(with: "//".utf8) else { throw .missingHost(key: key) }
            var authority = rest.dropFirst(2)
            var rawPath: ArraySlice<UInt8> = []
            if let slash = authority.firstIndex(of: UInt8(ascii: "/")) {
                rawPath = authority[slash...]
                authority = authority[..<slash]
            }

            // User information ends at the last "@"; it never reaches the index key.
            var rawHost = authority
            if let at = authority.lastIndex(of: UInt8(ascii: "@")) {
                let userinfo = authority[..<at]
                guard userinfo.allSatisfy(Self.isUserinfoByte) else { throw .invalidUserinfo(key: key) }
                _ = try Self.unescape(userinfo, inHost: false, key: key)
                rawHost = authority[(at + 1)...]
            }

            host = try Self.parseHost(rawHost, key: key)
            path = try Self.unescape(rawPath, inHost: false, key: key)
        }

        /// `net.SplitHostPort(url.Host)`, falling back to the whole host and port `""` when it
        /// fails — exactly what keyring.go's `SplitURL` does.
        var hostAndPort: (host: String, port: String) {
            Self.splitHostPort(host) ?? (host, "")
        }

        // MARK: net/url parseHost

        private static func parseHost(_ raw: ArraySlice<UInt8>, key: String) throws(RegistryKeyError) -> String {
            if raw.first == UInt8(ascii: "[") {
                guard let close = raw.lastIndex(of: UInt8(ascii: "]")) else {
                    throw .missingClosingBracket(key: key)
                }
                let colonPort = raw[(close + 1)...]
                guard isValidOptionalPort(colonPort) else {
                    throw .invalidPort(key: key, port: String(decoding: colonPort, as: UTF8.self))
                }
            } else if let colon = raw.lastIndex(of: UInt8(ascii: ":")) {
                let colonPort = raw[colon...]
                guard isValidOptionalPort(colonPort) else {
                    throw .invalidPort(key: key, port: String(decoding: colonPort, as: UTF8.self))
                }
            }
            return try unescape(raw, inHost: true, key: key)
        }

        /// Go's `validOptionalPort`: empty, or ":" followed by digits (possibly none).
        private static func isValidOptionalPort(_ colonPort: ArraySlice<UInt8>) -> Bool {
            guard let first = colonPort.first else { return true }
            return first == UInt8(ascii: ":") && colonPort.dropFirst().allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }

        /// Go's `unescape` in `encodeHost` or `encodePath`/`encodeFragment` mode.
        private static func unescape(
            _ raw: ArraySlice<UInt8>, inHost: Bool, key: String
        ) throws(RegistryKeyError) -> String {
            var decoded: [UInt8] = []
            decoded.reserveCapacity(raw.count)
            var index = raw.startIndex
            while index < raw.endIndex {
                let byte = raw[index]
                if byte == UInt8(ascii: "%") {
                    guard index + 2 < raw.endIndex,
                        let high = hexValue(raw[index + 1]), let low = hexValue(raw[index + 2])
                    else {
                        let escape = raw[index..<min(index + 3, raw.endIndex)]
                        throw .invalidPercentEscape(key: key, escape: String(decoding: escape, as: UTF8.self))
                    }
                    // RFC 3986 §3.2.2: a host may percent-encode only non-ASCII bytes, and "%25".
                    if inHost, high < 8, !(high == 2 && low == 5) {
                        let escape = raw[index..<(index + 3)]
                        throw .invalidPercentEscape(key: key, escape: String(decoding: escape, as: UTF8.self))
                    }
                    decoded.append(high << 4 | low)
                    index += 3
                } else {
                    if inHost, byte < 0x80, !isHostByte(byte) {
                        throw .invalidHostCharacter(key: key, character: String(UnicodeScalar(byte)))
                    }
                    decoded.append(byte)
                    index += 1
                }
            }
            return String(decoding: decoded, as: UTF8.self)
        }

        private static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }

        private static func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }

        /// ASCII bytes Go's `shouldEscape(c, encodeHost)` lets through: unreserved characters,
        /// RFC 3986 sub-delims, ":" and "[]" for ports and IPv6, and `<>"`. Note `*` is allowed,
        /// so `*.example.com` parses; `?` is not a host byte at all (it starts the query).
        private static func isHostByte(_ byte: UInt8) -> Bool {
            isAlphanumeric(byte) || "-_.~!$&'()*+,;=:[]<>\"".utf8.contains(byte)
        }

        /// Go's `validUserinfo`.
        private static func isUserinfoByte(_ byte: UInt8) -> Bool {
            byte >= 0x80 || isAlphanumeric(byte) || "-._:~!$&'()*+,;=%@".utf8.contains(byte)
        }

        // MARK: net.SplitHostPort

        /// `net.SplitHostPort`; `nil` where Go returns an error (no port, too many colons,
        /// misplaced brackets).
        static func splitHostPort(_ hostport: String) -> (host: String, port: String)? {
            let bytes = Array(hostport.utf8)
            guard let lastColon = bytes.lastIndex(of: UInt8(ascii: ":")) else { return nil }
            let host: ArraySlice<UInt8>
            var openSearchStart = 0
            var closeSearchStart = 0
            if bytes.first == UInt8(ascii: "[") {
                // The first "]" must sit just before the last ":".
                guard let close = bytes.firstIndex(of: UInt8(ascii: "]")), close + 1 == lastColon else {
                    return nil
                }
                host = bytes[1..<close]
                openSearchStart = 1
                closeSearchStart = close + 1
            } else {
                host = bytes[..<lastColon]
                if host.contains(UInt8(ascii: ":")) { return nil }
            }
            if bytes[openSearchStart...].contains(UInt8(ascii: "[")) { return nil }
            if bytes[closeSearchStart...].contains(UInt8(ascii: "]")) { return nil }
            return (String(decoding: host, as: UTF8.self), String(decoding: bytes[(lastColon + 1)...], as: UTF8.self))
        }
    }
}
