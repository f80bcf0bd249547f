import Foundation
import Testing

@testable import RegcredCore

@Suite("Reading a token's expiry")
struct CredentialExpiryTests {
    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test("a JWT's exp claim is its expiry")
    func jwtExpiry() {
        let token = [Self.base64URL(#"{"alg":"RS256"}"#), Self.base64URL(#"{"sub":"x","exp":1767225600}"#), "c2ln"].joined(separator: ".")
        #expect(CredentialExpiry.of(password: token) == Date(timeIntervalSince1970: 1_767_225_600))
    }

    @Test("a JWT payload using the URL-safe alphabet decodes")
    func urlSafeAlphabet() {
        // "??>" encodes to "Pz8-" in base64url: the '-' must be mapped back before decoding.
        let payload = Self.base64URL(#"{"n":"??>","exp":100}"#)
        #expect(payload.contains("-") || payload.contains("_"))
        #expect(CredentialExpiry.of(password: "e30.\(payload).sig") == Date(timeIntervalSince1970: 100))
    }

    @Test("an ECR authorization password carries its expiration")
    func ecrExpiry() {
        let password = Data(#"{"payload":"x","datakey":"y","version":"2","type":"DATA_KEY","expiration":1767225600}"#.utf8).base64EncodedString()
        #expect(CredentialExpiry.of(password: password) == Date(timeIntervalSince1970: 1_767_225_600))
    }

    @Test("passwords that carry no expiry give none", arguments: [
        "hunter2", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "a.b.c", "e30.e30.sig", "", "eyJub3QiOiJqc29u",
    ])
    func noExpiry(password: String) {
        #expect(CredentialExpiry.of(password: password) == nil)
    }
}
