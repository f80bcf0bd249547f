// Where a password or token comes from. Never a plain flag value: that lands in shell history
// and in `ps` output for every user on the machine.
import Foundation
import RegcredCore

public enum PasswordSource: Sendable, Equatable {
    case standardInput
    case file(String)
    case environment(String)

    /// Reads the password. One trailing newline (`\n` or `\r\n`, as `echo` and editors add) is
    /// stripped; everything else, including inner and leading whitespace, is kept.
    public func read() throws(InputError) -> Redacted<String> {
        var text: String
        switch self {
        case .standardInput:
            text = try InputSource.standardInput.readText()
        case .file(let path):
            text = try InputSource.file(path).readText()
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name] else { throw .environmentVariableUnset(name) }
            text = value
        }
        // "\r\n" is one Character in Swift, so one removeLast() strips either ending.
        if text.hasSuffix("\r\n") || text.hasSuffix("\n") {
            text.removeLast()
        }
        return Redacted(text)
    }
}
