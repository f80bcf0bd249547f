// Standard base64 decoding that fails loudly, for values the CLI printed.
import Foundation
import TestPeers

enum Base64Text {
    static func decode(_ text: String) throws -> Data {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed) else {
            throw TestSupportError.unexpectedOutput("not standard base64: \(trimmed.prefix(80))")
        }
        return data
    }
}
