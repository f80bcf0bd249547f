import Testing

@testable import RegcredCore

@Suite("Keeping secrets out of output")
struct RedactionTests {
    @Test("a redacted value never shows in description, interpolation, debug output or dump")
    func redactedHidesValue() {
        let secret = Redacted("hunter2")
        var dumped = ""
        dump(secret, to: &dumped)
        for text in ["\(secret)", String(describing: secret), String(reflecting: secret), dumped, "\([secret])"] {
            #expect(!text.contains("hunter2"), "leaked in: \(text)")
        }
        #expect(secret.value == "hunter2")
    }

    @Test("a fingerprint shows length and a short digest, never the value")
    func fingerprint() {
        #expect(SecretFingerprint.of("hunter2") == "len 7, sha256:f52fbd32")
        #expect(SecretFingerprint.of("hunter3") != SecretFingerprint.of("hunter2"))
    }
}
