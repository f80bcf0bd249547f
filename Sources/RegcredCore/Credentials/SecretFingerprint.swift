// A way to tell two secrets apart in output without showing either.
import Crypto
import Foundation

public enum SecretFingerprint {
    /// Length and the first 8 hex digits of the SHA-256, e.g. `len 40, sha256:1f0e3dad`:
    /// enough to see that a token changed or that two namespaces hold the same one.
    public static func of(_ secret: String) -> String {
        let digest = SHA256.hash(data: Data(secret.utf8))
        return "len \(secret.utf8.count), sha256:\(Hex.encode(digest.prefix(4)))"
    }
}
