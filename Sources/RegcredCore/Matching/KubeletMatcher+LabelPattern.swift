// Go's `path/filepath.Match` globs as the kubelet applies them to the host labels of a docker
// config key (and as ClusterPullSecret namespace exclusions use them, through GlobPattern).

extension KubeletMatcher {
    /// One host label of a key read as a Go `path/filepath.Match` pattern, as `URLsMatch` reads
    /// it: `*` any run of characters except `/`, `?` one character except `/`, `[a-z]` and
    /// `[^a-z]` classes, `\` escaping the next character; case-sensitive. A malformed pattern
    /// makes Go return `ErrBadPattern`, which the kubelet treats as "no match"; `init` returns
    /// `nil` for exactly those.
    ///
    /// Go's URL parser narrows what a docker config key can carry here: `?` starts the URL
    /// query, `\` and `^` are not host characters, and since Go 1.24.8 and 1.25.2 a `[` must
    /// open an IPv6 literal at the start of the host. On current kubelets keys therefore glob
    /// with `*` only; classes worked on kubelets built with older Go. The one class that still
    /// arrives is a bracketed IPv6 host without a port: `[::1]` reads as a one-character class,
    /// so it never matches the image host `[::1]` (with a port the brackets are split off).
    struct LabelPattern {
        enum Element {
            case literal(Unicode.Scalar)
            case anyCharacter
            case anyRun
            case characterClass(negated: Bool, ranges: [(low: UInt32, high: UInt32)])
        }

        let elements: [Element]

        init?(_ pattern: String) {
            let scalars = Array(pattern.unicodeScalars)
            var elements: [Element] = []
            var index = 0
            while index < scalars.count {
                switch scalars[index] {
                case "*":
                    elements.append(.anyRun)
                    index += 1
                case "?":
                    elements.append(.anyCharacter)
                    index += 1
                case "\\":
                    guard index + 1 < scalars.count else { return nil }
                    elements.append(.literal(scalars[index + 1]))
                    index += 2
                case "[":
                    index += 1
                    var negated = false
                    if index < scalars.count, scalars[index] == "^" {
                        negated = true
                        index += 1
                    }
                    var ranges: [(low: UInt32, high: UInt32)] = []
                    while true {
                        if index < scalars.count, scalars[index] == "]", !ranges.isEmpty {
                            index += 1
                            break
                        }
                        guard let low = Self.classCharacter(scalars, &index) else { return nil }
                        var high = low
                        if scalars[index] == "-" {
                            index += 1
                            guard let upper = Self.classCharacter(scalars, &index) else { return nil }
                            high = upper
                        }
                        // Go accepts an inverted range such as [z-a]; it simply matches nothing.
                        ranges.append((low.value, high.value))
                    }
                    elements.append(.characterClass(negated: negated, ranges: ranges))
                default:
                    elements.append(.literal(scalars[index]))
                    index += 1
                }
            }
            self.elements = elements
        }

        /// Go's `getEsc`: one class character, optionally escaped; it may not be "-" or "]",
        /// and the class must continue after it.
        private static func classCharacter(_ scalars: [Unicode.Scalar], _ index: inout Int) -> Unicode.Scalar? {
            guard index < scalars.count, scalars[index] != "-", scalars[index] != "]" else { return nil }
            if scalars[index] == "\\" { index += 1 }
            guard index < scalars.count else { return nil }
            let character = scalars[index]
            index += 1
            guard index < scalars.count else { return nil }
            return character
        }

        func matches(_ text: String) -> Bool {
            let characters = Array(text.unicodeScalars)
            // reachable[j]: the elements seen so far can consume exactly characters[..<j].
            var reachable = [Bool](repeating: false, count: characters.count + 1)
            reachable[0] = true
            for element in elements {
                var next = [Bool](repeating: false, count: characters.count + 1)
                for position in reachable.indices where reachable[position] {
                    switch element {
                    case .anyRun:
                        next[position] = true
                        var end = position
                        while end < characters.count, characters[end] != "/" {
                            end += 1
                            next[end] = true
                        }
                    case .anyCharacter:
                        if position < characters.count, characters[position] != "/" { next[position + 1] = true }
                    case .literal(let literal):
                        if position < characters.count, characters[position] == literal { next[position + 1] = true }
                    case .characterClass(let negated, let ranges):
                        if position < characters.count,
                            ranges.contains(where: { $0.low <= characters[position].value && characters[position].value <= $0.high }) != negated
                        {
                            next[position + 1] = true
                        }
                    }
                }
                reachable = next
            }
            return reachable[characters.count]
        }
    }
}
