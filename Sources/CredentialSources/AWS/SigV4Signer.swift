// AWS Signature Version 4 for header-signed requests: canonical request, string to sign, signing key,
// Authorization header. Pure: the time comes in as a parameter, so signatures are reproducible in tests.
import Crypto
import Foundation
import RegcredCore

/// A request as SigV4 sees it. `url` carries the path and query exactly as they will be sent.
public struct SigV4Request: Sendable {
    public var method: String
    public var url: URL
    /// Headers the request sends besides those the signer adds (host, x-amz-date, x-amz-security-token).
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(method: String, url: URL, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct SigV4Signer: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    public var service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The request's headers plus `host`, `x-amz-date`, `x-amz-security-token` (temporary credentials)
    /// and `authorization`: everything to send.
    public func signedHeaders(for request: SigV4Request, at date: Date) -> [(name: String, value: String)] {
        let headers = headersToSign(request, at: date)
        return headers + [("Authorization", authorization(for: request, headers: headers, at: date))]
    }

    /// The Authorization header value for `request` sent at `date`.
    public func authorization(for request: SigV4Request, at date: Date) -> String {
        authorization(for: request, headers: headersToSign(request, at: date), at: date)
    }

    func authorization(for request: SigV4Request, headers: [(name: String, value: String)], at date: Date) -> String {
        let stamp = Self.timestamp(date)
        let scope = credentialScope(day: String(stamp.prefix(8)))
        let canonical = canonicalRequest(request, headers: headers)
        let signature = HMAC<SHA256>.authenticationCode(
            for: Data(stringToSign(canonicalRequest: canonical, timestamp: stamp).utf8),
            using: signingKey(day: String(stamp.prefix(8))))
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(Self.signedHeaderList(headers)), Signature=\(Hex.encode(signature))"
    }

    /// The headers that get signed: the request's own, then host, x-amz-date and the session token.
    func headersToSign(_ request: SigV4Request, at date: Date) -> [(name: String, value: String)] {
        var headers = request.headers.filter { !Self.unsignedHeaders.contains($0.name.lowercased()) }
        if !headers.contains(where: { $0.name.lowercased() == "host" }) {
            headers.append(("Host", Self.hostHeader(request.url)))
        }
        headers.removeAll { ["x-amz-date", "x-amz-security-token", "authorization"].contains($0.name.lowercased()) }
        headers.append(("X-Amz-Date", Self.timestamp(date)))
        if let token = credentials.sessionToken { headers.append(("X-Amz-Security-Token", token.value)) }
        return headers
    }

    /// Hop-by-hop headers a proxy may change; never signed (the same list the AWS SDKs skip).
    static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    func canonicalRequest(_ request: SigV4Request, headers: [(name: String, value: String)]) -> String {
        [
            request.method.uppercased(),
            Self.canonicalPath(request.url),
            Self.canonicalQuery(request.url),
            Self.canonicalHeaders(headers) + "\n",
            Self.signedHeaderList(headers),
            Hex.encode(SHA256.hash(data: request.body)),
        ].joined(separator: "\n")
    }

    func stringToSign(canonicalRequest: String, timestamp: String) -> String {
        [
            "AWS4-HMAC-SHA256", timestamp, credentialScope(day: String(timestamp.prefix(8))),
            Hex.encode(SHA256.hash(data: Data(canonicalRequest.utf8))),
        ].joined(separator: "\n")
    }

    func credentialScope(day: String) -> String { "\(day)/\(region)/\(service)/aws4_request" }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request").
    func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey.value)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    // MARK: canonical forms

    /// `20150830T123600Z`, in UTC: ISO 8601's basic format. A format style rather than a
    /// `DateFormatter`, which would load ICU's locale data for a fixed pattern.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(dateSeparator: .omitted, dateTimeSeparator: .standard, timeSeparator: .omitted))
    }

    /// Lowercase host, with the port only when it is not the scheme's default.
    static func hostHeader(_ url: URL) -> String {
        let host = (url.host ?? "").lowercased()
        let bracketed = host.contains(":") ? "[\(host)]" : host
        guard let port = url.port else { return bracketed }
        let defaultPort = url.scheme?.lowercased() == "https" ? 443 : 80
        return port == defaultPort ? bracketed : "\(bracketed):\(port)"
    }

    /// Dot segments and empty segments removed, then every byte outside the unreserved set and `/`
    /// percent-encoded again: for every service but S3 the path is encoded twice.
    static func canonicalPath(_ url: URL) -> String {
        let path = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? "/"
        guard !path.isEmpty else { return "/" }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                _ = segments.popLast()
            } else {
                segments.append(segment)
            }
        }
        var normalized = (path.hasPrefix("/") ? "/" : "") + segments.joined(separator: "/")
        if path.hasSuffix("/") && !segments.isEmpty { normalized += "/" }
        if normalized.isEmpty { normalized = "/" }
        return uriEncode(normalized, keepingSlash: true)
    }

    /// Query parameters decoded, each name and value encoded with the unreserved set, sorted by name then value.
    static func canonicalQuery(_ url: URL) -> String {
        guard let query = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedQuery, !query.isEmpty else {
            return ""
        }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            return (uriEncode(name, keepingSlash: false), uriEncode(value, keepingSlash: false))
        }
        return pairs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// `name:value` lines, names lowercased and sorted, values trimmed with inner runs of spaces collapsed,
    /// repeated headers joined by commas.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> String {
        var byName: [String: [String]] = [:]
        for (name, value) in headers {
            let trimmed = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
            byName[name.lowercased(), default: []].append(trimmed)
        }
        return byName.keys.sorted().map { "\($0):\(byName[$0]!.joined(separator: ","))" }.joined(separator: "\n")
    }

    static func signedHeaderList(_ headers: [(name: String, value: String)]) -> String {
        Set(headers.map { $0.name.lowercased() }).sorted().joined(separator: ";")
    }

    /// RFC 3986 encoding as SigV4 defines it: A-Z a-z 0-9 - _ . ~ stay, every other UTF-8 byte becomes %XX (uppercase).
    static func uriEncode(_ text: String, keepingSlash: Bool) -> String {
        var encoded = ""
        for byte in text.utf8 {
            let character = Character(Unicode.Scalar(byte))
            if byte < 0x80 && (character.isLetter || character.isNumber || "-_.~".contains(character) || (keepingSlash && byte == 0x2F)) {
                encoded.append(character)
            } else {
                encoded += byte < 0x10 ? "%0" : "%"
                encoded += String(byte, radix: 16, uppercase: true)
            }
        }
        return encoded
    }
}
