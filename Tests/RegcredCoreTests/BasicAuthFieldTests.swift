import Foundation
import Testing

@testable import RegcredCore

@Suite("The auth field and the checks on it")
struct BasicAuthFieldTests {
    @Test("encoding is standard padded base64 of username:password")
    func encodes() {
        #expect(BasicAuthField.encode(username: "u", password: "p") == "dTpw")
        #expect(BasicAuthField.encode(username: "user", password: "p:w") == "dXNlcjpwOnc=")
        #expect(!BasicAuthField.encode(username: String(repeating: "u", count: 100), password: "x").contains("\n"))
    }

    @Test("decoding accepts padded and unpadded input and splits at the first colon", arguments: [
        ("dXNlcjpwOnc=", "user", "p:w"),
        ("dXNlcjpwOnc", "user", "p:w"),
        ("dTpw", "u", "p"),
        ("OnA=", "", "p"),
        // Go's decoder skips line breaks: a token piped through `base64` keeps its newline.
        ("dTpw\n", "u", "p"),
        ("dXNlcjpwOnc=\r\n", "user", "p:w"),
    ])
    func decodes(field: String, username: String, password: String) {
        #expect(BasicAuthField.decode(field) == .credentials(username: username, password: password))
    }

    @Test("undecodable and colon-less auth values are told apart", arguments: [
        ("not base64!", BasicAuthField.Decoded.undecodable),
        ("dXNlcg", .missingSeparator),
        ("dXNlcg==", .missingSeparator),
        ("a", .undecodable),
        ("dTpw ", .undecodable),
    ])
    func decodeFailures(field: String, expected: BasicAuthField.Decoded) {
        #expect(BasicAuthField.decode(field) == expected)
    }

    @Test("auth wins over username and password, as the kubelet does")
    func authWins() {
        let entry = DockerConfigEntry(username: "old", password: "old", auth: BasicAuthField.encode(username: "new", password: "secret"))
        #expect(entry.effectiveCredentials?.username == "new")
        #expect(entry.effectiveCredentials?.password == "secret")
    }

    @Test("the auth check reports each state", arguments: [
        (DockerConfigEntry.basic(username: "u", password: "p"), AuthCheck.ok),
        (DockerConfigEntry(auth: "dTpw"), .ok),
        (DockerConfigEntry(username: "u", password: "p"), .missing),
        (DockerConfigEntry(username: "u", password: "new", auth: "dTpw"), .mismatch(.password)),
        (DockerConfigEntry(username: "v", password: "p", auth: "dTpw"), .mismatch(.username)),
        (DockerConfigEntry(username: "u", password: "p", auth: "%%%"), .undecodable),
        (DockerConfigEntry(username: "u", password: "p", auth: "dXNlcg=="), .missingSeparator),
        (DockerConfigEntry(identityToken: "t"), .identityTokenOnly),
        (DockerConfigEntry(email: "e@x"), .noCredentials),
    ])
    func authCheck(entry: DockerConfigEntry, expected: AuthCheck) {
        #expect(entry.authCheck == expected)
    }

    @Test("only undecodable and colon-less auth break the whole secret")
    func breaksWholeSecret() {
        #expect(AuthCheck.undecodable.breaksWholeSecret)
        #expect(AuthCheck.missingSeparator.breaksWholeSecret)
        #expect(!AuthCheck.mismatch(.password).breaksWholeSecret)
        #expect(!AuthCheck.missing.breaksWholeSecret)
    }
}
