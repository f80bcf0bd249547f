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
        guard hex.utf8.count == 64, let bytes = Hex.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    private init(bytes: [UInt8]) {
        func word(_ at: Int) -> UInt64 { bytes[at..<at + 8].reduce(0) { $0 << 8 | UInt64($1) } }
        words = (word(0), word(8), word(16), word(24))
    }

    /// Lower-case hex, as written in the content-hash annotation.
    public var hex: String {
        Hex.encode([words.0, words.1, words.2, words.3].flatMap { word in
            stride(from: 56, through: 0, by: -8).map { UInt8(truncatingIfNeeded: word >> UInt64($0)) }
        })
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
}
