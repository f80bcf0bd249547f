// What a stand-in does with a JWT it receives: split it, check the RS256 signature against the
// public half of the test's key, and read header and claims.
import Crypto
import Foundation
import RegcredCore
import _CryptoExtras

struct TestJWT {
    var header: JSONValue
    var claims: JSONValue
    var signingInput: String
    var signature: Data

    init?(_ token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let header = Self.decode(parts[0]).flatMap({ try? JSONValue(parsing: $0) }),
            let claims = Self.decode(parts[1]).flatMap({ try? JSONValue(parsing: $0) }), let signature = Self.decode(parts[2])
        else { return nil }
        self.header = header
        self.claims = claims
        self.signingInput = parts[0] + "." + parts[1]
        self.signature = signature
    }

    func isSigned(by key: _RSA.Signing.PublicKey) -> Bool {
        key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: Data(signingInput.utf8)),
            padding: .insecurePKCS1v1_5)
    }

    /// Base64url without padding, decoded; nil when the text has padding or other characters.
    static func decode(_ text: String) -> Data? {
        guard !text.contains("="), !text.contains("+"), !text.contains("/") else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard)
    }
}

/// Keys generated once per test run (2048-bit generation takes a moment).
enum TestKeys {
    static let first = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let second = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
}

/// The instant every test's injected clock reads.
let testNow = Date(timeIntervalSince1970: 1_800_000_000)

/// An unsigned JWT-shaped token with `exp`, as ACR refresh tokens and Entra tokens look.
func fakeJWT(_ claims: [String: JSONValue]) -> String {
    func encode(_ value: JSONValue) -> String {
        value.encoded().base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
    return encode(.object(["alg": .string("none"), "typ": .string("JWT")])) + "." + encode(.object(claims)) + ".c2lnbmF0dXJl"
}
