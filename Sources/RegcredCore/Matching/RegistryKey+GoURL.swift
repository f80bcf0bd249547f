// The small part of Go's `net/url.Parse` (with `net.SplitHostPort` and `netip.ParseAddr`) that the
// kubelet relies on when it files and looks up a docker config key, ported byte for byte so that
// RegistryKey accepts and rejects exactly the keys the kubelet does.

extension RegistryKey {
    /// The two fields of Go's `*url.URL` the kubelet reads, `Host` and `Path`, computed the way
    /// Go's `url.Parse` computes them for an `http://` or `https://` URL (net/url: cut the
    /// fragment at `#`, reject control bytes, cut the query at `?`, take the authority up to
    /// the first `/`, drop user information up to the last `@`, validate the host's characters
    /// and port, percent-decode host and path). IPv6 zone identifiers are treated as host text.
    struct GoURL: Hashable, Sendable {
        /// `url.Host`: host[:port], percent-decoded.
        let host: String
        /// `url.Path`: percent-decoded.
        let path: String

        /// `text` must start with `http://` or `https://`; `key` is what errors report.
        init(parsing text: String, reportingAs key: String, kubelet: KubeletVersion = .newest) throws(RegistryKeyError) {
            var bytes = Array(text.utf8)[...]
            // url.Parse cuts the fragment first; the fragment must only hold valid escapes.
            if let hash = bytes.firstIndex(of: UInt8(ascii: "#")) {
                _ = try Self.unescape(bytes[(hash + 1)...], mode: .other, key: key)
                bytes = bytes[..<hash]
            }
            if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) { throw .controlCharacter(key: key) }

            // The scheme: everything up to the first ":" (our callers always supply http or https).
            guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
                throw .missingHost(key: key)
            }
            var rest = bytes[(colon + 1)...]

            // A lone trailing "?" is Go's ForceQuery; otherwise the query starts at the first "?".
            let questionMarks = rest.filter { $0 == UInt8(ascii: "?") }.count
            if questionMarks == 1, rest.last == UInt8(ascii: "?") {
                rest = rest.dropLast()
            } else if let question = rest.firstIndex(of: UInt8(ascii: "?")) {
                rest = rest[..<question]
            }

            guard rest.starts(with: "//".utf8) else { throw .missingHost(key: key) }
            var authority = rest.dropFirst(2)
            var rawPath: ArraySlice<UInt8> = []
            if let slash = authority.firstIndex(of: UInt8(ascii: "/")) {
                rawPath = authority[slash...]
                authority = authority[..<slash]
            }

            // User information ends at the last "@"; it never reaches the index key.
            var rawHost = authority
            if let at = authority.lastIndex(of: UInt8(ascii: "@")) {
                let userinfo = authority[..<at]
                guard userinfo.allSatisfy(Self.isUserinfoByte) else { throw .invalidUserinfo(key: key) }
                _ = try Self.unescape(userinfo, mode: .other, key: key)
                rawHost = authority[(at + 1)...]
            }

            host = kubelet.checksBracketedHosts ? try Self.parseHost(rawHost, key: key) : try Self.parseHostBeforeGo1_24_8(rawHost, key: key)
            path = try Self.unescape(rawPath, mode: .other, key: key)
        }

        /// `net.SplitHostPort(url.Host)`, falling back to the whole host and port `""` when it
        /// fails — exactly what keyring.go's `SplitURL` does.
        var hostAndPort: (host: String, port: String) {
            Self.splitHostPort(host) ?? (host, "")
        }

        // MARK: net/url parseHost

        /// Go's `parseHost` as of the CVE-2025-47912 fix (Go 1.24.8 and 1.25.2, which current
        /// kubelets are built with): "[" may only open an IPv6 literal at the very start, the
        /// brackets must hold a real IPv6 address, and an unbracketed host's port starts at its
        /// first ":". Older Go accepted `reg[0-9].example.com`; current Go rejects it.
        private static func parseHost(_ raw: ArraySlice<UInt8>, key: String) throws(RegistryKeyError) -> String {
            let host = String(decoding: raw, as: UTF8.self)
            if let open = raw.lastIndex(of: UInt8(ascii: "[")), open > raw.startIndex {
                throw .invalidIPLiteral(key: key, host: host)
            }
            guard raw.first == UInt8(ascii: "[") else {
                if let colon = raw.firstIndex(of: UInt8(ascii: ":")) {
                    let colonPort = raw[colon...]
                    guard isValidOptionalPort(colonPort) else {
                        throw .invalidPort(key: key, port: String(decoding: colonPort, as: UTF8.self))
                    }
                }
                return try unescape(raw, mode: .host, key: key)
            }
            guard let close = raw.lastIndex(of: UInt8(ascii: "]")) else {
                throw .missingClosingBracket(key: key)
            }
            let colonPort = raw[(close + 1)...]
            guard isValidOptionalPort(colonPort) else {
                throw .invalidPort(key: key, port: String(decoding: colonPort, as: UTF8.self))
            }
            // RFC 6874: "%25" opens a zone identifier, which may percent-encode more freely.
            let literal = raw[(raw.startIndex + 1)..<close]
            var address: String
            if let zone = literal.indices.first(where: { literal[$0...].starts(with: "%25".utf8) }) {
                address = try unescape(literal[..<zone], mode: .host, key: key)
                address += try unescape(literal[zone...], mode: .zone, key: key)
            } else {
                address = try unescape(literal, mode: .host, key: key)
            }
            guard IPv6Literal.isValid(Array(address.utf8)) else { throw .invalidIPLiteral(key: key, host: host) }
            return "[" + address + "]" + String(decoding: colonPort, as: UTF8.self)
        }

        /// Go's `parseHost` before the CVE-2025-47912 fix (Go 1.21, which v1.28 kubelets carry):
        /// "[" opens a bracketed host only at the start, and is otherwise an ordinary host
        /// character; brackets are not checked to hold an IPv6 address; an unbracketed host's
        /// port starts at its last ":".
        private static func parseHostBeforeGo1_24_8(_ raw: ArraySlice<UInt8>, key: String) throws(RegistryKeyError) -> String {
            if raw.first == UInt8(ascii: "[") {
                guard let close = raw.lastIndex(of: UInt8(ascii: "]")) else { throw .missingClosingBracket(key: key) }
                let colonPort = raw[(close + 1)...]
                guard isValidOptionalPort(colonPort) else {
                    throw .invalidPort(key: key, port: String(decoding: colonPort, as: UTF8.self))
                }
                let inside = raw[..<close]
                if let zone = inside.indices.first(where: { inside[$0...].starts(with: "%25".utf8) }) {
                    return try unescape(raw[..<zone], mode: .host, key: key) + unescape(raw[zone..<close], mode: .zone, key: key)
                        + unescape(raw[close...], mode: .host, key: key)
                }
            } else if let colon = raw.lastIndex(of: UInt8(ascii: ":")) {
                let colonPort = raw[colon...]
                guard isValidOptionalPort(colonPort) else {
                    throw .invalidPort(key: key, port: String(decoding: colonPort, as: UTF8.self))
                }
            }
            return try unescape(raw, mode: .host, key: key)
        }

        /// Go's `validOptionalPort`: empty, or ":" followed by digits (possibly none).
        private static func isValidOptionalPort(_ colonPort: ArraySlice<UInt8>) -> Bool {
            guard let first = colonPort.first else { return true }
            return first == UInt8(ascii: ":") && colonPort.dropFirst().allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }

        /// The `net/url` unescape modes the kubelet's parses go through.
        private enum EscapeMode { case host, zone, other }

        /// Go's `unescape`: every "%" must start a two-digit hex escape; hosts additionally
        /// limit their characters and may only escape non-ASCII bytes (and "%25").
        private static func unescape(
            _ raw: ArraySlice<UInt8>, mode: EscapeMode, key: String
        ) throws(RegistryKeyError) -> String {
            var decoded: [UInt8] = []
            decoded.reserveCapacity(raw.count)
            var index = raw.startIndex
            while index < raw.endIndex {
                let byte = raw[index]
                if byte == UInt8(ascii: "%") {
                    guard index + 2 < raw.endIndex,
                        let high = hexValue(raw[index + 1]), let low = hexValue(raw[index + 2])
                    else {
                        let escape = raw[index..<min(index + 3, raw.endIndex)]
                        throw .invalidPercentEscape(key: key, escape: String(decoding: escape, as: UTF8.self))
                    }
                    let value = high << 4 | low
                    let isPercent = high == 2 && low == 5
                    // RFC 3986 §3.2.2: a host may percent-encode only non-ASCII bytes, and "%25";
                    // a zone may encode more, but not bytes a host could not hold (except " ").
                    let refused =
                        switch mode {
                        case .host: high < 8 && !isPercent
                        case .zone: !isPercent && value != 0x20 && !(value < 0x80 && isHostByte(value))
                        case .other: false
                        }
                    if refused {
                        let escape = raw[index..<(index + 3)]
                        throw .invalidPercentEscape(key: key, escape: String(decoding: escape, as: UTF8.self))
                    }
                    decoded.append(value)
                    index += 3
                } else {
                    if mode != .other, byte < 0x80, !isHostByte(byte) {
                        throw .invalidHostCharacter(key: key, character: String(UnicodeScalar(byte)))
                    }
                    decoded.append(byte)
                    index += 1
                }
            }
            return String(decoding: decoded, as: UTF8.self)
        }

        private static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }

        private static func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }

        /// ASCII bytes Go's `shouldEscape(c, encodeHost)` lets through: unreserved characters,
        /// RFC 3986 sub-delims, ":" and "[]" for ports and IPv6, and `<>"`. Note `*` is allowed,
        /// so `*.example.com` parses; `?` is not a host byte at all (it starts the query).
        private static func isHostByte(_ byte: UInt8) -> Bool {
            isAlphanumeric(byte) || "-_.~!$&'()*+,;=:[]<>\"".utf8.contains(byte)
        }

        /// Go's `validUserinfo`.
        private static func isUserinfoByte(_ byte: UInt8) -> Bool {
            byte >= 0x80 || isAlphanumeric(byte) || "-._:~!$&'()*+,;=%@".utf8.contains(byte)
        }

        // MARK: netip.ParseAddr

        /// What Go's `netip.ParseAddr` accepts as an IPv6 address (not IPv4): eight 16-bit hex
        /// groups of at most four digits, one "::" standing for at least one zero group, an
        /// optional dotted IPv4 tail in place of the last two groups, and an optional non-empty
        /// "%zone".
        enum IPv6Literal {
            static func isValid(_ text: [UInt8]) -> Bool {
                // ParseAddr decides by the first ".", ":" or "%": "." means IPv4, refused in brackets.
                guard let kind = text.first(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "%") }),
                    kind == UInt8(ascii: ":")
                else { return false }
                var address = text[...]
                if let percent = text.firstIndex(of: UInt8(ascii: "%")) {
                    guard percent + 1 < text.count else { return false }
                    address = text[..<percent]
                }
                var groups = 0
                var ellipsis = false
                var rest = address
                if rest.starts(with: "::".utf8) {
                    ellipsis = true
                    rest = rest.dropFirst(2)
                    if rest.isEmpty { return true }
                }
                while groups < 8 {
                    let digits = rest.prefix { hexValue($0) != nil }
                    guard !digits.isEmpty, digits.count <= 4 else { return false }
                    let afterDigits = rest.dropFirst(digits.count)
                    if afterDigits.first == UInt8(ascii: ".") {
                        // An IPv4 tail replaces the final two groups.
                        guard ellipsis || groups == 6, groups + 2 <= 8, isIPv4(rest) else { return false }
                        groups += 2
                        rest = []
                        break
                    }
                    groups += 1
                    rest = afterDigits
                    if rest.isEmpty { break }
                    guard rest.first == UInt8(ascii: ":"), rest.count > 1 else { return false }
                    rest = rest.dropFirst()
                    if rest.first == UInt8(ascii: ":") {
                        if ellipsis { return false }
                        ellipsis = true
                        rest = rest.dropFirst()
                        if rest.isEmpty { break }
                    }
                }
                guard rest.isEmpty else { return false }
                return ellipsis ? groups < 8 : groups == 8
            }

            /// Four decimal octets 0–255 without leading zeros, as `netip.parseIPv4`.
            private static func isIPv4(_ text: ArraySlice<UInt8>) -> Bool {
                let fields = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
                return fields.count == 4 && fields.allSatisfy { field in
                    guard !field.isEmpty, field.count <= 3, field.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                        field.count == 1 || field.first != UInt8(ascii: "0")
                    else { return false }
                    return Int(String(decoding: field, as: UTF8.self))! <= 255
                }
            }
        }

        // MARK: net.SplitHostPort

        /// `net.SplitHostPort`; `nil` where Go returns an error (no port, too many colons,
        /// misplaced brackets).
        static func splitHostPort(_ hostport: String) -> (host: String, port: String)? {
            let bytes = Array(hostport.utf8)
            guard let lastColon = bytes.lastIndex(of: UInt8(ascii: ":")) else { return nil }
            let host: ArraySlice<UInt8>
            var openSearchStart = 0
            var closeSearchStart = 0
            if bytes.first == UInt8(ascii: "[") {
                // The first "]" must sit just before the last ":".
                guard let close = bytes.firstIndex(of: UInt8(ascii: "]")), close + 1 == lastColon else {
                    return nil
                }
                host = bytes[1..<close]
                openSearchStart = 1
                closeSearchStart = close + 1
            } else {
                host = bytes[..<lastColon]
                if host.contains(UInt8(ascii: ":")) { return nil }
            }
            if bytes[openSearchStart...].contains(UInt8(ascii: "[")) { return nil }
            if bytes[closeSearchStart...].contains(UInt8(ascii: "]")) { return nil }
            return (String(decoding: host, as: UTF8.self), String(decoding: bytes[(lastColon + 1)...], as: UTF8.self))
        }
    }
}
