// The derived `auth` field of a docker config entry: base64("username:password").
// Hand edits that change the password but not `auth` are the classic cause of pull failures,
// so reading it is strict about what it reports and lenient about what the kubelet accepts.
import Foundation

public enum BasicAuthField {
    /// Standard, padded base64 with no line breaks, as `kubectl create secret docker-registry` writes it.
    public static func encode(username: String, password: String) -> String {
        Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// What decoding an `auth` value yields.
    public enum Decoded: Equatable, Sendable {
        case credentials(username: String, password: String)
        /// Not base64 as Go reads it (padded or unpadded).
        case undecodable
        /// Decodes, but has no `:` separating username and password.
        case missingSeparator
    }

    /// Decodes as the kubelet's `decodeDockerConfigFieldAuth` does: padded base64 (Go's
    /// `StdEncoding`) when the value, trimmed of spaces, ends in `=`, unpadded (`RawStdEncoding`)
    /// otherwise, line breaks skipped; the first `:` separates username from password, so
    /// passwords may contain `:`. Bytes that are not UTF-8 are kept as Go keeps them, replaced
    /// for display.
    public static func decode(_ field: String) -> Decoded {
        guard let bytes = decodeBase64(field) else { return .undecodable }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return .missingSeparator }
        return .credentials(
            username: String(decoding: bytes[..<colon], as: UTF8.self),
            password: String(decoding: bytes[(colon + 1)...], as: UTF8.self))
    }

    static func decodeBase64(_ text: String) -> Data? {
        guard !text.isEmpty else { return nil }
        let padded = text.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("=")
        return GoBase64.decode(text.utf8, padded: padded).map { Data($0) }
    }
}
