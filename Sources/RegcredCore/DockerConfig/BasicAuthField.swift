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
        /// Not base64 (padded or unpadded), or not UTF-8.
        case undecodable
        /// Decodes, but has no `:` separating username and password.
        case missingSeparator
    }

    /// Decodes as the kubelet does: padded input with the standard alphabet, or unpadded input;
    /// the first `:` separates username from password, so passwords may contain `:`.
    public static func decode(_ field: String) -> Decoded {
        guard let bytes = decodeBase64(field), let text = String(data: bytes, encoding: .utf8) else {
            return .undecodable
        }
        guard let colon = text.firstIndex(of: ":") else { return .missingSeparator }
        return .credentials(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }

    static func decodeBase64(_ text: String) -> Data? {
        guard !text.isEmpty else { return nil }
        if text.hasSuffix("=") { return Data(base64Encoded: text) }
        // Unpadded (Go's RawStdEncoding): restore the padding Foundation insists on.
        let remainder = text.utf8.count % 4
        guard remainder != 1 else { return nil }
        let padded = remainder == 0 ? text : text + String(repeating: "=", count: 4 - remainder)
        return Data(base64Encoded: padded)
    }
}
