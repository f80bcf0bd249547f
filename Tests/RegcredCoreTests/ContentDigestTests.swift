// ContentDigest: the fixed-size SHA-256 the controller keeps instead of secret bytes.
import Foundation
import RegcredCore
import Testing

@Suite("ContentDigest")
struct ContentDigestTests {
    @Test("the SHA-256 of \"abc\" (FIPS 180-2 example) in the annotation's lower-case hex")
    func knownVector() {
        #expect(ContentDigest(of: Data("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("hex parses back to the same digest, upper case too")
    func roundTrip() throws {
        let digest = ContentDigest(of: Data(#"{"auths":{}}"#.utf8))
        #expect(ContentDigest(hex: digest.hex) == digest)
        #expect(ContentDigest(hex: digest.hex.uppercased()) == digest)
        #expect(ContentDigest(of: Data("other".utf8)) != digest)
        #expect(Set([digest, try #require(ContentDigest(hex: digest.hex))]).count == 1)
    }

    @Test("anything but 64 hex digits is not a digest", arguments: [
        "", "abc", String(repeating: "a", count: 63), String(repeating: "a", count: 65),
        String(repeating: "g", count: 64), "sha256:" + String(repeating: "a", count: 57),
    ])
    func rejects(text: String) {
        #expect(ContentDigest(hex: text) == nil)
    }

    @Test("an observed secret built from bytes carries their digest, so drift is still seen")
    func observedSecretDigest() {
        let bytes = Data(#"{"auths":{"ghcr.io":{}}}"#.utf8)
        #expect(ObservedSecret(name: "s", dockerConfigJSON: bytes).dockerConfigDigest == ContentDigest(of: bytes))
        #expect(ObservedSecret(name: "s").dockerConfigDigest == nil)
    }
}
