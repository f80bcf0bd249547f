import Crypto
import Foundation
import RegcredCore
import Testing
import _CryptoExtras

@testable import CredentialSources

@Suite("RS256 JWT signer")
struct RS256JWTSignerTests {
    @Test("signs with PKCS#1 and PKCS#8 PEM keys; the signature verifies with the public half", arguments: ["pkcs1", "pkcs8"])
    func signsAndVerifies(format: String) throws {
        let key = TestKeys.first
        let pem = format == "pkcs1" ? key.pemRepresentation : key.pkcs8PEMRepresentation
        #expect(pem.contains(format == "pkcs1" ? "BEGIN RSA PRIVATE KEY" : "BEGIN PRIVATE KEY"))
        let token = try RS256JWTSigner(pem: pem).token(claims: ["iss": .string("me"), "iat": .integer(1)], keyId: "k1")
        let jwt = try #require(TestJWT(token))
        #expect(jwt.isSigned(by: key.publicKey))
        #expect(!jwt.isSigned(by: TestKeys.second.publicKey))
        #expect(jwt.header == .object(["alg": .string("RS256"), "typ": .string("JWT"), "kid": .string("k1")]))
        #expect(jwt.claims == .object(["iss": .string("me"), "iat": .integer(1)]))
        #expect(!token.contains("=") && !token.contains("+") && !token.contains("/"))
    }

    @Test("a token without a key id has no kid header")
    func noKeyID() throws {
        let token = try RS256JWTSigner(pem: TestKeys.first.pemRepresentation).token(claims: [:])
        #expect(try #require(TestJWT(token)).header["kid"] == nil)
    }

    @Test("unusable PEM is refused with a reason that does not quote the key")
    func refusals() throws {
        let pem = TestKeys.first.pemRepresentation
        var lines = pem.split(separator: "\n").map(String.init)
        lines[3] = String(lines[3].reversed())
        let damaged = lines.joined(separator: "\n")
        let short = try _RSA.Signing.PrivateKey(unsafeKeySize: _RSA.Signing.KeySize(bitCount: 1024)).pemRepresentation
        let cases: [(String, JWTKeyError)] = [
            ("not a key", .notPEM),
            (TestKeys.first.publicKey.pemRepresentation, .notRSAPrivateKey),
            ("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----", .notRSAPrivateKey),
            ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJ\n-----END ENCRYPTED PRIVATE KEY-----", .encrypted),
            (damaged, .unreadable),
            (short, .tooShort),
        ]
        for (text, expected) in cases {
            #expect(throws: expected) { _ = try RS256JWTSigner(pem: text) }
            #expect(leakedSecrets(in: expected.description, pem: pem).isEmpty)
        }
    }
}
