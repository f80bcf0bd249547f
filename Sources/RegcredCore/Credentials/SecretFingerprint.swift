// A way to tell two secrets apart in output without showing either.
import Crypto
import Foundation

public enum SecretFingerprint {
    /// Length and the first 8 hex digits of the SHA-256, e.g. `len 40, sha256:1f0e3dad`:
    /// enough to see that a token changed or that two namespaces hold the same one.
    public static func of(_ secret: String) -> String {
        let digest = SHA256.hash(data: Data(secret.utf8))
        return "len \(secret.utf8.count), sha256:\(hex(digest.prefix(4)))"
    }

    static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
