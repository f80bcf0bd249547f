// The one rule for a password read from a file, a pipe or a Secret key: one trailing newline
// (`\n` or `\r\n`, as `echo`, editors and `kubectl create secret --from-file` leave) is not part
// of it; everything else, inner and leading whitespace included, is.
public enum PasswordText {
    /// `text` without one trailing newline, and whether there was one.
    public static func trimmingTrailingNewline(_ text: String) -> (password: String, trimmed: Bool) {
        // "\r\n" is one Character in Swift, so one removeLast() strips either ending.
        guard text.hasSuffix("\r\n") || text.hasSuffix("\n") else { return (text, false) }
        var trimmed = text
        trimmed.removeLast()
        return (trimmed, true)
    }
}
