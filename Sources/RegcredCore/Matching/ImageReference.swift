// An image reference (`nginx`, `ghcr.io/org/app:1.2`, `localhost:5000/a@sha256:…`) parsed and
// normalised the way the kubelet does before it asks its keyring for credentials.
import Foundation

/// An image reference, parsed as the kubelet parses it: `parsers.ParseImageName` calls
/// distribution/reference `ParseNormalizedNamed`, and the keyring is then asked about
/// `named.Name()` — our ``normalizedName``.
///
/// Normalisation (distribution/reference `splitDockerDomain`):
/// - the first `/`-separated component is the registry when it is `localhost`, contains `.`
///   or `:`, or contains an uppercase letter; otherwise the registry is `docker.io`;
/// - `index.docker.io` is rewritten to `docker.io`;
/// - on `docker.io`, a single-component repository gets `library/` in front
///   (`nginx` → `docker.io/library/nginx`).
///
/// The tag (`:tag` after the last `/`) and digest (`@sha256:…`) are parsed off; the keyring
/// never sees them.
public struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    /// The reference exactly as written.
    public let original: String
    /// The registry, `host[:port]`: `docker.io`, `ghcr.io`, `localhost:5000`.
    public let registry: String
    /// The repository path on that registry: `library/nginx`, `org/app`.
    public let repository: String
    /// The tag, when one was written. (The kubelet pulls `latest` when neither tag nor digest is.)
    public let tag: String?
    /// The digest, e.g. `sha256:…`, when one was written.
    public let digest: String?

    /// `registry/repository`: the string the kubelet passes to `DockerKeyring.Lookup`.
    public var normalizedName: String { registry + "/" + repository }

    /// The fully qualified reference: `docker.io/library/nginx:1.27`.
    public var description: String {
        normalizedName + (tag.map { ":" + $0 } ?? "") + (digest.map { "@" + $0 } ?? "")
    }

    /// Parses `text`, accepting and rejecting exactly what `reference.ParseNormalizedNamed`
    /// accepts and rejects.
    public init(parsing text: String) throws(ImageReferenceError) {
        guard !text.isEmpty else { throw .empty }
        if text.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            throw .containsWhitespace(reference: text)
        }
        // ParseNormalizedNamed refuses a bare 64-hex string: it would be an image ID, not a name.
        if text.utf8.count == 64, text.utf8.allSatisfy(Self.isLowercaseHex) {
            throw .hexIdentifier(reference: text)
        }

        let (domain, remainder) = Self.splitDockerDomain(text)

        // ParseNormalizedNamed: the remainder up to its first ":" must be lowercase. That span
        // can reach into a digest ("nginx@SHA256:…"), so tell the two cases apart for the message.
        let remote = remainder.prefix { $0 != ":" }
        let remoteName = remote.prefix { $0 != "@" }
        if remoteName.lowercased() != remoteName {
            throw .uppercaseRepository(reference: text, repository: String(remoteName))
        }
        if remote.lowercased() != remote {
            throw .unsupportedDigestAlgorithm(
                reference: text, algorithm: String(remote.dropFirst(remoteName.count + 1)))
        }

        // reference.Parse(domain + "/" + remainder) against ReferenceRegexp:
        // name [":" tag] ["@" digest]. Names and tags hold no "@", so the first "@" starts the digest.
        let full = Array((domain + "/" + remainder).utf8)
        var namePart = full[...]
        var parsedDigest: String?
        if let at = full.firstIndex(of: UInt8(ascii: "@")) {
            if let slash = full.firstIndex(of: UInt8(ascii: "/")), at < slash {
                throw .invalidDomain(reference: text, domain: domain)
            }
            let digestText = String(decoding: full[(at + 1)...], as: UTF8.self)
            try Self.validateDigest(digestText, reference: text)
            parsedDigest = digestText
            namePart = full[..<at]
        }

        // A tag is a ":" after the last "/"; any earlier ":" belongs to the registry's port.
        var parsedTag: String?
        let lastSlash = namePart.lastIndex(of: UInt8(ascii: "/")) ?? namePart.startIndex
        if let colon = namePart[lastSlash...].firstIndex(of: UInt8(ascii: ":")) {
            let tagText = String(decoding: namePart[(colon + 1)...], as: UTF8.self)
            guard Self.isValidTag(tagText) else { throw .invalidTag(reference: text, tag: tagText) }
            parsedTag = tagText
            namePart = namePart[..<colon]
        }

        let name = String(decoding: namePart, as: UTF8.self)
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains(where: \.isEmpty) { throw .emptyPathComponent(reference: text) }

        // NameRegexp = [domainAndPort "/"] pathComponent ("/" pathComponent)*. The domain group
        // is optional: a first component that is no valid domain may still pass as a path
        // component ("a_b.com/x"); Name() is the same string either way.
        let pathLength: Int
        if let invalid = components.dropFirst().first(where: { !Self.isValidPathComponent($0) }) {
            throw .invalidPathComponent(reference: text, component: String(invalid))
        } else if Self.isValidDomain(components[0]) {
            pathLength = name.utf8.count - components[0].utf8.count - 1
        } else if Self.isValidPathComponent(components[0]) {
            pathLength = name.utf8.count
        } else {
            throw .invalidDomain(reference: text, domain: String(components[0]))
        }
        // reference.Parse: RepositoryNameTotalLengthMax applies to the path, not the domain.
        if pathLength > Self.maximumPathLength {
            throw .nameTooLong(reference: text, length: pathLength)
        }

        original = text
        registry = domain
        repository = String(name.dropFirst(domain.count + 1))
        tag = parsedTag
        digest = parsedDigest
    }

    // MARK: distribution/reference rules

    /// `RepositoryNameTotalLengthMax`.
    static let maximumPathLength = 255

    /// distribution/reference `splitDockerDomain`.
    private static func splitDockerDomain(_ name: String) -> (domain: String, remainder: String) {
        guard let slash = name.firstIndex(of: "/") else {
            // A single element ("ubuntu", "ubuntu:latest") is always an official Docker Hub image.
            return ("docker.io", "library/" + name)
        }
        let first = String(name[..<slash])
        let rest = String(name[name.index(after: slash)...])
        var domain: String
        var remainder: String
        if first == "localhost" || first.contains(".") || first.contains(":") || first.lowercased() != first {
            (domain, remainder) = (first, rest)
        } else {
            (domain, remainder) = ("docker.io", name)
        }
        if domain == "index.docker.io" { domain = "docker.io" }
        if domain == "docker.io", !remainder.contains("/") { remainder = "library/" + remainder }
        return (domain, remainder)
    }

    /// `pathComponent = [a-z0-9]+ ((?:[._]|__|[-]+) [a-z0-9]+)*`.
    private static func isValidPathComponent(_ component: Substring) -> Bool {
        let bytes = Array(component.utf8)
        var index = 0
        func alphanumericRun() -> Bool {
            let start = index
            while index < bytes.count, isLowercaseAlphanumeric(bytes[index]) { index += 1 }
            return index > start
        }
        guard alphanumericRun() else { return false }
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "."):
                index += 1
            case UInt8(ascii: "_"):
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "_") { index += 1 }
            case UInt8(ascii: "-"):
                while index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            default:
                return false
            }
            guard alphanumericRun() else { return false }
        }
        return true
    }

    /// `domainAndPort = (domainName | "[" [a-fA-F0-9:]+ "]") (":" [0-9]+)?`, where a domain
    /// name is dot-separated components of letters, digits and inner hyphens (any case).
    private static func isValidDomain(_ domain: Substring) -> Bool {
        let bytes = Array(domain.utf8)
        var hostEnd = bytes.count
        var portStart: Int?
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")), close > 1,
                bytes[1..<close].allSatisfy({ isHex($0) || $0 == UInt8(ascii: ":") })
            else { return false }
            if close + 1 < bytes.count {
                guard bytes[close + 1] == UInt8(ascii: ":") else { return false }
                portStart = close + 2
            }
        } else {
            if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
                hostEnd = colon
                portStart = colon + 1
            }
            let labels = bytes[..<hostEnd].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            let labelsValid = labels.allSatisfy { label in
                guard let first = label.first, let last = label.last,
                    isAlphanumeric(first), isAlphanumeric(last)
                else { return false }
                return label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
            }
            guard labelsValid else { return false }
        }
        if let portStart {
            let port = bytes[portStart...]
            guard !port.isEmpty, port.allSatisfy(isDigit) else { return false }
        }
        return true
    }

    /// `tag = [\w][\w.-]{0,127}`.
    private static func isValidTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard let first = bytes.first, bytes.count <= 128, isWordByte(first) else { return false }
        return bytes.allSatisfy { isWordByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// The reference grammar's digest pattern, then go-digest's `Parse`: the algorithm must be
    /// one the kubelet links in and the encoded part the right length of lowercase hex.
    private static func validateDigest(_ digest: String, reference: String) throws(ImageReferenceError) {
        let bytes = Array(digest.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
            throw .invalidDigest(reference: reference, digest: digest)
        }
        let algorithm = bytes[..<colon]
        let encoded = bytes[(colon + 1)...]
        // [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)* ":" [0-9a-fA-F]{32,}
        let algorithmParts = algorithm.split(omittingEmptySubsequences: false) { "-_+.".utf8.contains($0) }
        let algorithmValid = algorithmParts.allSatisfy { part in
            guard let first = part.first, isLetter(first) else { return false }
            return part.allSatisfy(isAlphanumeric)
        }
        guard algorithmValid, encoded.count >= 32, encoded.allSatisfy(isHex) else {
            throw .invalidDigest(reference: reference, digest: digest)
        }
        let expectedLength: Int
        switch String(decoding: algorithm, as: UTF8.self) {
        case "sha256": expectedLength = 64
        case "sha384": expectedLength = 96
        case "sha512": expectedLength = 128
        default:
            throw .unsupportedDigestAlgorithm(reference: reference, algorithm: String(decoding: algorithm, as: UTF8.self))
        }
        guard encoded.count == expectedLength, encoded.allSatisfy(isLowercaseHex) else {
            throw .invalidDigest(reference: reference, digest: digest)
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
    private static func isAlphanumeric(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) }
    private static func isLowercaseAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x61 && byte <= 0x7A)
    }
    private static func isWordByte(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == UInt8(ascii: "_") }
    private static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }
    private static func isLowercaseHex(_ byte: UInt8) -> Bool { isDigit(byte) || (byte >= 0x61 && byte <= 0x66) }
}

/// Why a string is not an image reference the kubelet could pull.
public enum ImageReferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case containsWhitespace(reference: String)
    case hexIdentifier(reference: String)
    case uppercaseRepository(reference: String, repository: String)
    case emptyPathComponent(reference: String)
    case invalidDomain(reference: String, domain: String)
    case invalidPathComponent(reference: String, component: String)
    case invalidTag(reference: String, tag: String)
    case invalidDigest(reference: String, digest: String)
    case unsupportedDigestAlgorithm(reference: String, algorithm: String)
    case nameTooLong(reference: String, length: Int)

    public var description: String {
        switch self {
        case .empty:
            return "image reference is empty; write it as [registry/]repository[:tag][@digest], e.g. ghcr.io/org/app:1.0"
        case .containsWhitespace(let reference):
            return invalid(reference, "it contains whitespace; remove spaces, tabs and line breaks")
        case .hexIdentifier(let reference):
            return invalid(reference, "a 64-character hex string is an image ID, not a name; use repository@sha256:\(reference)")
        case .uppercaseRepository(let reference, let repository):
            return invalid(reference, "repository name must be lowercase (\"\(repository)\"); try \"\(repository.lowercased())\"")
        case .emptyPathComponent(let reference):
            return invalid(reference, "it has an empty path component; remove the leading, trailing or doubled \"/\"")
        case .invalidDomain(let reference, let domain):
            return invalid(reference, "\"\(domain)\" is not a valid registry host[:port]")
        case .invalidPathComponent(let reference, let component):
            return invalid(
                reference,
                "path component \"\(component)\" must be lowercase letters and digits, separated by \".\", \"_\", \"__\" or dashes")
        case .invalidTag(let reference, let tag):
            return invalid(reference, "tag \"\(tag)\" must be 1 to 128 letters, digits, \"_\", \".\" or \"-\", not starting with \".\" or \"-\"")
        case .invalidDigest(let reference, let digest):
            return invalid(reference, "digest \"\(digest)\" must be algorithm:hex, e.g. sha256: followed by 64 lowercase hex digits")
        case .unsupportedDigestAlgorithm(let reference, let algorithm):
            return invalid(reference, "digest algorithm \"\(algorithm)\" is not supported; use sha256, sha384 or sha512")
        case .nameTooLong(let reference, let length):
            return invalid(reference, "repository path has \(length) characters; at most \(ImageReference.maximumPathLength) are allowed")
        }
    }

    private func invalid(_ reference: String, _ reason: String) -> String {
        "image reference \"\(reference)\" is invalid: \(reason)"
    }
}
