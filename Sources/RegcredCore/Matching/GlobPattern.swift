// Go's filepath.Match globs, as one public type: the kubelet matches registry host labels with
// them, and ClusterPullSecret namespace exclusions use the same syntax.

public struct GlobPattern: Hashable, Sendable {
    public let pattern: String

    /// nil for a malformed pattern (an unclosed class, a trailing backslash), which Go rejects.
    public init?(_ pattern: String) {
        guard KubeletMatcher.LabelPattern(pattern) != nil else { return nil }
        self.pattern = pattern
    }

    public func matches(_ text: String) -> Bool {
        KubeletMatcher.LabelPattern(pattern)?.matches(text) ?? false
    }
}
