// Reading `WWW-Authenticate` headers (RFC 9110 §11.6.1) into challenges: several challenges in one
// header or across headers, quoted strings with backslash escapes, optional whitespace around
// `=`, empty list elements, case-insensitive names, and the token68 form. Pure; never traps.

extension AuthChallenge {
    /// Parses every challenge of every header value, in order. A header that cannot be read
    /// throws, naming the byte where reading stopped; nothing is guessed.
    public static func parse(headers: [String]) throws(WWWAuthenticateError) -> [AuthChallenge] {
        var challenges: [AuthChallenge] = []
        for header in headers {
            var reader = ChallengeReader(Array(header.utf8))
            challenges += try reader.readAll()
        }
        guard !challenges.isEmpty else { throw .noChallenge }
        return challenges
    }

    /// Parses one header value.
    public static func parse(header: String) throws(WWWAuthenticateError) -> [AuthChallenge] {
        try parse(headers: [header])
    }
}

/// A cursor over one header value. Grammar (RFC 9110 §5.6, §11.2):
///
///     challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
///     auth-param = token BWS "=" BWS ( token / quoted-string )
///     token68    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
///
/// Commas separate both challenges and parameters; after a comma, `name=` continues the
/// current challenge and anything else starts the next one. Unquoted values are read
/// leniently up to the next comma or space, because some registries send
/// `realm=https://…/token` without quotes.
private struct ChallengeReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private var atEnd: Bool { index >= bytes.count }

    mutating func readAll() throws(WWWAuthenticateError) -> [AuthChallenge] {
        if let control = bytes.firstIndex(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
            throw .controlCharacter(offset: control)
        }
        var challenges: [AuthChallenge] = []
        while true {
            skipWhitespaceAndCommas()
            if atEnd { return challenges }
            challenges.append(try readChallenge())
        }
    }

    private mutating func readChallenge() throws(WWWAuthenticateError) -> AuthChallenge {
        let schemeStart = index
        skip(while: Self.isTokenByte)
        guard index > schemeStart else { throw .expectedScheme(offset: index, found: snippet(at: index)) }
        let scheme = text(schemeStart..<index)
        let afterScheme = index
        skipWhitespace()
        if atEnd || bytes[index] == UInt8(ascii: ",") { return AuthChallenge(scheme: scheme) }
        guard index > afterScheme else { throw .unexpectedText(offset: index, found: snippet(at: index)) }

        if let found = token68(at: index) {
            index = found.end
            return AuthChallenge(scheme: scheme, token68: found.token68)
        }

        var parameters: [String: String] = [:]
        while true {
            let nameStart = index
            skip(while: Self.isTokenByte)
            guard index > nameStart else { throw .unexpectedText(offset: index, found: snippet(at: index)) }
            let name = text(nameStart..<index).lowercased()
            skipWhitespace()
            guard !atEnd, bytes[index] == UInt8(ascii: "=") else { throw .expectedEquals(parameter: name, offset: index) }
            index += 1
            skipWhitespace()
            let value = try readValue(parameter: name)
            if parameters[name] == nil { parameters[name] = value }

            skipWhitespace()
            if atEnd { break }
            guard bytes[index] == UInt8(ascii: ",") else { throw .unexpectedText(offset: index, found: snippet(at: index)) }
            skipWhitespaceAndCommas()
            if atEnd || !parameterStarts(at: index) { break }
        }
        return AuthChallenge(scheme: scheme, parameters: parameters)
    }

    /// A quoted-string (escapes removed) or an unquoted run up to the next comma or space.
    private mutating func readValue(parameter: String) throws(WWWAuthenticateError) -> String {
        guard !atEnd else { throw .expectedValue(parameter: parameter, offset: index) }
        if bytes[index] == UInt8(ascii: "\"") {
            index += 1
            var value: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: value, as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") {
                    index += 1
                    guard index < bytes.count else { break }
                }
                value.append(bytes[index])
                index += 1
            }
            throw .unterminatedQuotedString(parameter: parameter)
        }
        let start = index
        skip { $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: " ") && $0 != 0x09 && $0 != UInt8(ascii: "\"") }
        guard index > start else { throw .expectedValue(parameter: parameter, offset: index) }
        return text(start..<index)
    }

    /// A token68 starting at `start` that runs to the end of the challenge (only whitespace
    /// before the next comma or the end); returns it and where the challenge ends.
    private func token68(at start: Int) -> (token68: String, end: Int)? {
        var end = start
        while end < bytes.count, Self.isToken68Byte(bytes[end]) { end += 1 }
        guard end > start else { return nil }
        while end < bytes.count, bytes[end] == UInt8(ascii: "=") { end += 1 }
        var after = end
        while after < bytes.count, Self.isWhitespace(bytes[after]) { after += 1 }
        guard after == bytes.count || bytes[after] == UInt8(ascii: ",") else { return nil }
        return (text(start..<end), after)
    }

    /// `token BWS "="` at `position`: the current challenge continues with another parameter.
    private func parameterStarts(at position: Int) -> Bool {
        var cursor = position
        while cursor < bytes.count, Self.isTokenByte(bytes[cursor]) { cursor += 1 }
        guard cursor > position else { return false }
        while cursor < bytes.count, Self.isWhitespace(bytes[cursor]) { cursor += 1 }
        return cursor < bytes.count && bytes[cursor] == UInt8(ascii: "=")
    }

    private mutating func skip(while predicate: (UInt8) -> Bool) {
        while index < bytes.count, predicate(bytes[index]) { index += 1 }
    }

    private mutating func skipWhitespace() { skip(while: Self.isWhitespace) }

    private mutating func skipWhitespaceAndCommas() {
        skip { Self.isWhitespace($0) || $0 == UInt8(ascii: ",") }
    }

    private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// Up to 12 bytes from `position`, for error messages.
    private func snippet(at position: Int) -> String {
        guard position < bytes.count else { return "end of header" }
        return text(position..<min(position + 12, bytes.count))
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == 0x09 }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }

    private static func isToken68Byte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || "-._~+/".utf8.contains(byte)
    }
}
