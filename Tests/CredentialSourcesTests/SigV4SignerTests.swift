import Foundation
import Testing

@testable import CredentialSources
@testable import RegcredCore

@Suite("SigV4 signing")
struct SigV4SignerTests {
    static let exampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let vanillaDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    static func signer(token: String? = nil, region: String = "us-east-1", service: String = "service") -> SigV4Signer {
        SigV4Signer(
            credentials: AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: Redacted(exampleSecret), sessionToken: token.map { Redacted($0) }),
            region: region, service: service)
    }

    @Test("AWS's published get-vanilla and get-vanilla-query-order-key-case signatures")
    func publishedVectors() {
        let vanilla = SigV4Request(method: "GET", url: URL(string: "https://example.amazonaws.com/")!)
        #expect(
            Self.signer().authorization(for: vanilla, at: Self.vanillaDate)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        )
        let ordered = SigV4Request(method: "GET", url: URL(string: "https://example.amazonaws.com/?Param2=value2&Param1=value1")!)
        #expect(Self.signer().authorization(for: ordered, at: Self.vanillaDate).hasSuffix("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"))
    }

    @Test("the derived signing key matches AWS's documented example (20120215, us-east-1, iam)")
    func signingKey() {
        let key = Self.signer(service: "iam").signingKey(day: "20120215")
        #expect(key.withUnsafeBytes { Hex.encode($0) } == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    @Test("canonical forms: double-encoded path, sorted strictly encoded query, trimmed lowercased headers")
    func canonicalForms() {
        let url = URL(string: "https://example.com/a/./b/../c%20d//e/?z=1&b=%C3%BC&a=x%2By&a=!")!
        #expect(SigV4Signer.canonicalPath(url) == "/a/c%2520d/e/")
        #expect(SigV4Signer.canonicalQuery(url) == "a=%21&a=x%2By&b=%C3%BC&z=1")
        #expect(SigV4Signer.canonicalHeaders([("X-Amz-Target", "  a   b "), ("Host", "h")]) == "host:h\nx-amz-target:a b")
        #expect(SigV4Signer.hostHeader(URL(string: "http://127.0.0.1:8080/")!) == "127.0.0.1:8080")
        #expect(SigV4Signer.hostHeader(URL(string: "https://API.example.com:443/")!) == "api.example.com")
        #expect(SigV4Signer.uriEncode("a\n\u{7F}/~é", keepingSlash: false) == "a%0A%7F%2F~%C3%A9")
        #expect(SigV4Signer.timestamp(Date(timeIntervalSince1970: 1_440_938_160)) == "20150830T123600Z")
    }

    @Test("a session token is sent and signed as x-amz-security-token; without one it is absent")
    func sessionToken() {
        let request = SigV4Request(method: "POST", url: URL(string: "https://api.ecr.eu-west-1.amazonaws.com/")!, body: Data("{}".utf8))
        let withToken = Self.signer(token: "session-token-value").signedHeaders(for: request, at: Self.vanillaDate)
        #expect(withToken.contains { $0.name == "X-Amz-Security-Token" && $0.value == "session-token-value" })
        #expect(withToken.last!.value.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        let without = Self.signer().signedHeaders(for: request, at: Self.vanillaDate)
        #expect(!without.contains { $0.name.lowercased() == "x-amz-security-token" })
    }

    struct Example: Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var base: String
        var path: String
        var query: [(String, String)]
        var headers: [(String, String)]
        var body: String
        var region: String
        var service: String
        var token: String?
        var testDescription: String { name }

        /// The URL as it goes on the wire: the path as Foundation encodes it, the query strictly encoded.
        var url: URL {
            var components = URLComponents(string: base)!
            components.path = path
            if !query.isEmpty {
                components.percentEncodedQuery = query.map {
                    "\(SigV4Signer.uriEncode($0.0, keepingSlash: false))=\(SigV4Signer.uriEncode($0.1, keepingSlash: false))"
                }.joined(separator: "&")
            }
            return components.url!
        }
    }

    static let examples: [Example] = [
        Example(
            name: "GET with spaces, unicode and reserved characters in path and query", method: "GET", base: "https://example.amazonaws.com",
            path: "/some path/ünïcødé/a+b", query: [("b", "two words"), ("a", "ü/é?&=+"), ("a", "0"), ("reserved", "!*'();:@$,"), ("empty", "")],
            headers: [], body: "", region: "us-east-1", service: "service", token: nil),
        Example(
            name: "GET with dot segments, double slashes and a padded header", method: "GET", base: "https://example.amazonaws.com",
            path: "/a/./b/../c//d/", query: [("Z", "1"), ("a", "2")], headers: [("X-Custom", "  several   spaces  here ")], body: "",
            region: "eu-central-1", service: "service", token: nil),
        Example(
            name: "POST JSON to ECR (GetAuthorizationToken)", method: "POST", base: "https://api.ecr.eu-west-1.amazonaws.com", path: "/", query: [],
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", ECRTokenSource.privateTarget)],
            body: #"{"registryIds":["123456789012","210987654321"]}"#, region: "eu-west-1", service: "ecr", token: nil),
        Example(
            name: "POST JSON to ECR with a session token", method: "POST", base: "https://api.ecr.ap-southeast-2.amazonaws.com", path: "/", query: [],
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", ECRTokenSource.privateTarget)], body: "{}",
            region: "ap-southeast-2", service: "ecr", token: "FwoGZXIvYXdzEJr//////////wEaDOnq+token/with=padding"),
        Example(
            name: "POST form to STS in China on a non-default port, with a session token", method: "POST", base: "http://127.0.0.1:8443",
            path: "/", query: [], headers: [("Content-Type", STSClient.contentType)],
            body: "Action=AssumeRole&RoleArn=arn%3Aaws-cn%3Aiam%3A%3A123456789012%3Arole%2Fx&RoleSessionName=s&Version=2011-06-15",
            region: "cn-north-1", service: "sts", token: "short-token"),
        Example(
            name: "ECR Public in us-east-1", method: "POST", base: "https://api.ecr-public.us-east-1.amazonaws.com", path: "/", query: [],
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", ECRTokenSource.publicTarget)], body: "{}",
            region: "us-east-1", service: "ecr-public", token: nil),
    ]

    @Test("signatures equal botocore's for a table of requests", arguments: examples)
    func matchesBotocore(example: Example) async throws {
        let date = Date(timeIntervalSince1970: 1_767_323_045)  // 2026-01-02T03:04:05Z
        let request = SigV4Request(method: example.method, url: example.url, headers: example.headers, body: Data(example.body.utf8))
        let ours = Self.signer(token: example.token, region: example.region, service: example.service).authorization(for: request, at: date)
        var components = URLComponents(url: example.url, resolvingAgainstBaseURL: false)!
        components.percentEncodedQuery = nil
        let reference = try await BotocoreSigner.authorizations([
            BotocoreSigner.Case(
                method: example.method, url: components.url!.absoluteString, query: example.query.map { [$0.0, $0.1] },
                headers: example.headers.map { [$0.0, $0.1] }, body: Data(example.body.utf8).base64EncodedString(), region: example.region,
                service: example.service, access_key: "AKIDEXAMPLE", secret_key: Self.exampleSecret, token: example.token,
                timestamp: "20260102T030405Z")
        ])
        #expect(ours == reference.first)
    }
}
