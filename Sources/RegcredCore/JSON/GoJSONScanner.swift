// The JSON grammar exactly as Go's `encoding/json` scanner and `unquote` apply it (RFC 8259:
// whitespace is space, tab, CR and LF only; no BOM; no leading zeros), including what Go does
// that Foundation does not: a byte that is not UTF-8 and an unpaired surrogate escape become
// U+FFFD instead of an error. Messages give a byte offset and never quote the input.

enum GoJSONScanner {
    /// Go stops at 10,000 levels; regcred at 512, which no docker config comes near, so that a
    /// hostile document cannot exhaust the stack.
    static let maximumDepth = 512

    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> OrderedJSON {
        var scanner = Cursor(bytes: bytes)
        scanner.skipWhitespace()
        guard scanner.index < bytes.count else { throw JSONSyntaxError(detail: "unexpected end of JSON input") }
        let value = try scanner.value(depth: 0)
        scanner.skipWhitespace()
        guard scanner.index == bytes.count else { throw scanner.error("unexpected data after the top-level value") }
        return value
    }

    private struct Cursor {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func error(_ what: String) -> JSONSyntaxError {
            JSONSyntaxError(detail: index >= bytes.count ? "unexpected end of JSON input" : "byte \(index): \(what)")
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
            guard index < bytes.count, bytes[index] == byte else { throw error(what) }
            index += 1
        }

        mutating func value(depth: Int) throws(JSONSyntaxError) -> OrderedJSON {
            guard index < bytes.count else { throw error("") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                guard depth < GoJSONScanner.maximumDepth else { throw error("nested more than \(GoJSONScanner.maximumDepth) levels deep") }
                index += 1
                var members: [OrderedJSON.Member] = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                }
                while true {
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string as an object key") }
                    let key = try string()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"), "expected ':' after an object key")
                    skipWhitespace()
                    members.append(OrderedJSON.Member(key: key, value: try value(depth: depth + 1)))
                    skipWhitespace()
                    guard index < bytes.count else { throw error("") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    try expect(UInt8(ascii: "}"), "expected ',' or '}' after an object member")
                    return .object(members)
                }
            case UInt8(ascii: "["):
                guard depth < GoJSONScanner.maximumDepth else { throw error("nested more than \(GoJSONScanner.maximumDepth) levels deep") }
                index += 1
                var items: [OrderedJSON] = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                }
                while true {
                    skipWhitespace()
                    items.append(try value(depth: depth + 1))
                    skipWhitespace()
                    guard index < bytes.count else { throw error("") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    try expect(UInt8(ascii: "]"), "expected ',' or ']' after an array element")
                    return .array(items)
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try number())
            default:
                throw error("expected the beginning of a value")
            }
        }

        mutating func literal(_ word: String) throws(JSONSyntaxError) {
            for byte in word.utf8 {
                guard index < bytes.count, bytes[index] == byte else { throw error("invalid literal (expected \(word))") }
                index += 1
            }
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() throws(JSONSyntaxError) -> String {
            let start = index
            func isDigit(_ position: Int) -> Bool {
                position < bytes.count && bytes[position] >= UInt8(ascii: "0") && bytes[position] <= UInt8(ascii: "9")
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { throw error("expected a digit in a number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while isDigit(index) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard isDigit(index) else { throw error("expected a digit after the decimal point") }
                while isDigit(index) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard isDigit(index) else { throw error("expected a digit in the exponent") }
                while isDigit(index) { index += 1 }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// A quoted string starting at `"`, unquoted as Go does.
        mutating func string() throws(JSONSyntaxError) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            while true {
                guard index < bytes.count else { throw error("") }
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw error("") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        guard let unit = hex4(at: index) else { throw error("invalid \\u escape in a string") }
                        index += 4
                        if (0xD800...0xDBFF).contains(unit), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u"), let low = hex4(at: index + 2), (0xDC00...0xDFFF).contains(low)
                        {
                            // A surrogate pair: one scalar. Anything else unpaired is U+FFFD.
                            index += 6
                            scalars.append(Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!)
                        } else {
                            scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                        }
                    default:
                        throw error("invalid escape in a string")
                    }
                case 0x00..<0x20:
                    throw error("control character in a string")
                case 0x00..<0x80:
                    scalars.append(Unicode.Scalar(byte))
                    index += 1
                default:
                    let (scalar, length) = decodeUTF8(at: index)
                    scalars.append(scalar)
                    index += length
                }
            }
        }

        func hex4(at position: Int) -> UInt32? {
            guard position + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for byte in bytes[position..<position + 4] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        /// Go's `utf8.DecodeRune`: one valid multi-byte sequence, or U+FFFD consuming one byte.
        func decodeUTF8(at position: Int) -> (Unicode.Scalar, Int) {
            let lead = bytes[position]
            let length: Int
            var value: UInt32
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: (length, value) = (2, UInt32(lead & 0x1F))
            case 0xE0...0xEF:
                (length, value) = (3, UInt32(lead & 0x0F))
                if lead == 0xE0 { low = 0xA0 }
                if lead == 0xED { high = 0x9F }
            case 0xF0...0xF4:
                (length, value) = (4, UInt32(lead & 0x07))
                if lead == 0xF0 { low = 0x90 }
                if lead == 0xF4 { high = 0x8F }
            default: return ("\u{FFFD}", 1)
            }
            guard position + length <= bytes.count else { return ("\u{FFFD}", 1) }
            for offset in 1..<length {
                let byte = bytes[position + offset]
                let (minimum, maximum) = offset == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
                guard byte >= minimum, byte <= maximum else { return ("\u{FFFD}", 1) }
                value = value << 6 | UInt32(byte & 0x3F)
            }
            return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
        }
    }
}
