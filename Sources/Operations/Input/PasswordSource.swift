// Where a password or token comes from. Never a plain flag value: that lands in shell history
// and in `ps` output for every user on the machine.
import Foundation
import RegcredCore

public enum PasswordSource: Sendable, Equatable {
    case standardInput
    case file(String)
    case environment(String)

    /// Reads the password, without one trailing newline (`PasswordText`).
    public func read() throws(InputError) -> Redacted<String> {
        let text: String
        switch self {
        case .standardInput:
            text = try InputSource.standardInput.readText()
        case .file(let path):
            text = try InputSource.file(path).readText()
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name] else { throw .environmentVariableUnset(name) }
            text = value
        }
        return Redacted(PasswordText.trimmingTrailingNewline(text).password)
    }
}
