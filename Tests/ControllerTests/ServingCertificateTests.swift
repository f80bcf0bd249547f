// A ServingCertificate carries the webhook's private key: however it is printed, the key is not.
import Controller
import Foundation
import Testing

@Suite struct ServingCertificateTests {
    @Test("printing, interpolating, debug-printing and dumping show no key")
    func keyNeverPrinted() {
        let key = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n"
        let certificate = ServingCertificate(
            certificateChainPEM: "-----BEGIN CERTIFICATE-----\nY2VydA==\n-----END CERTIFICATE-----\n", privateKeyPEM: key,
            notAfter: Date(timeIntervalSince1970: 1_800_000_000))
        var dumped = ""
        dump(certificate, to: &dumped)
        for text in [String(describing: certificate), "\(certificate)", String(reflecting: certificate), dumped, "\([certificate])"] {
            #expect(!text.contains("PRIVATE KEY") && !text.contains("c2VjcmV0"), "\(text)")
            #expect(text.contains("<redacted>") || text.contains("notAfter"))
        }
    }
}
