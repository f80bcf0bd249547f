// ContentDigest: the SHA-256 of a pull secret's bytes, as a fixed-size value. The controller
// keeps this instead of the bytes themselves for every managed secret: an ECR dockerconfigjson
// is kilobytes per region, times 10,000 namespaces; 32 bytes tell whether it drifted just as well.
import Crypto
import Foundation

public struct ContentDigest: Hashable, Sendable, CustomStringConvertible {
    // Four words rather than [UInt8] or Data: stored inline, no allocation per cached secret.
    private let words: (UInt64, UInt64, UInt64, UInt64)

    public init(of content: Data) {
        self.init(bytes: Array(SHA256.hash(data: content)))
    }

    /// Parses 64 hex digits (the content-hash annotation); nil for anything else.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while index < 64 {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(bytes: bytes)
    }

    private init(bytes: [UInt8]) {
        func word(_ at: Int) -> UInt64 { bytes[at..<at + 8].reduce(0) { $0 << 8 | UInt64($1) } }
        words = (word(0), word(8), word(16), word(24))
    }

    /// Lower-case hex, as written in the content-hash annotation.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 60, through: 0, by: -4) {
                text.append(digits[Int((word >> UInt64(shift)) & 0xF)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { "sha256:\(hex)" }

    public static func == (lhs: ContentDigest, rhs: ContentDigest) -> Bool {
        lhs.words == rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
