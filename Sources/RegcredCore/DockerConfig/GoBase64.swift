// Base64 decoding exactly as Go's `encoding/base64` does it with `StdEncoding` (padded) and
// `RawStdEncoding` (unpadded), the two decoders the kubelet uses on an `auth` field. Foundation
// differs in ways that decide whether a pull secret works: Go skips `\r` and `\n` anywhere (so a
// token piped through `base64`, wrapped at 76 columns or ending in a newline, still decodes) and
// ignores the unused bits of the last quantum.

enum GoBase64 {
    /// The decoded bytes, or nil where Go reports a `CorruptInputError`.
    static func decode(_ text: some Sequence<UInt8>, padded: Bool) -> [UInt8]? {
        let source = Array(text)
        var output: [UInt8] = []
        output.reserveCapacity(source.count / 4 * 3)
        var index = 0
        while true {
            var quantum: [UInt8] = [0, 0, 0, 0]
            var length = 4
            var finished = false
            var position = 0
            while position < 4 {
                if index == source.count {
                    if position == 0 { return output }
                    if position == 1 || padded { return nil }
                    length = position
                    finished = true
                    break
                }
                let byte = source[index]
                index += 1
                if let value = alphabetValue(byte) {
                    quantum[position] = value
                    position += 1
                    continue
                }
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { continue }
                // Only the padding character may appear now, and only where padding can be.
                guard padded, byte == UInt8(ascii: "="), position >= 2 else { return nil }
                if position == 2 {
                    skipNewlines(source, &index)
                    guard index < source.count, source[index] == UInt8(ascii: "=") else { return nil }
                    index += 1
                }
                skipNewlines(source, &index)
                guard index == source.count else { return nil }
                length = position
                finished = true
                break
            }
            let value = UInt32(quantum[0]) << 18 | UInt32(quantum[1]) << 12 | UInt32(quantum[2]) << 6 | UInt32(quantum[3])
            let bytes = [UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
            output.append(contentsOf: bytes.prefix(length - 1))
            if finished { return output }
        }
    }

    private static func skipNewlines(_ source: [UInt8], _ index: inout Int) {
        while index < source.count, source[index] == UInt8(ascii: "\n") || source[index] == UInt8(ascii: "\r") { index += 1 }
    }

    private static func alphabetValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
