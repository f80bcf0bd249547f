// A way to tell two secrets apart in output without showing either.
import Crypto
import Foundation

public enum SecretFingerprint {
    /// Length and the first 8 hex digits of the SHA-256, e.g. `len 40, sha256:1f0e3dad`:
    /// enough to see that a token changed or that two namespaces hold the same one.
    public static func of(_ secret: String) -> String {
        let digest = SHA256.hash(data: Data(secret.utf8))
        let hex = digest.prefix(4).map { String(format: "%02x", $0) }.joined()
        return "len \(secret.utf8.count), sha256:\(hex)"
    }

    /// The full hex SHA-256 of some bytes, for content-hash annotations.
    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
