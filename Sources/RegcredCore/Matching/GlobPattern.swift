// Go's filepath.Match globs, as one public type: the kubelet matches registry host labels with
// them, and ClusterPullSecret namespace exclusions use the same syntax. A pattern is parsed once,
// when it is made, not again for every name it is matched against.

public struct GlobPattern: Hashable, Sendable {
    public let pattern: String
    private let parsed: KubeletMatcher.LabelPattern

    /// nil for a malformed pattern (an unclosed class, a trailing backslash), which Go rejects.
    public init?(_ pattern: String) {
        guard let parsed = KubeletMatcher.LabelPattern(pattern) else { return nil }
        self.pattern = pattern
        self.parsed = parsed
    }

    public func matches(_ text: String) -> Bool {
        parsed.matches(text)
    }

    // The parsed form follows from the text: two patterns are the same when their texts are.
    public static func == (lhs: GlobPattern, rhs: GlobPattern) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
}
