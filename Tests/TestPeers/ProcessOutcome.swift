// What a finished child process left behind: its exit status and everything it printed.
import Foundation

public struct ProcessOutcome: Sendable {
    /// The exit code, or 128 + the signal number when a signal ended the process (as shells report it).
    public let status: Int32
    public let standardOutputData: Data
    public let standardErrorData: Data
    /// True when the watchdog had to stop the process because it ran past its timeout.
    public let timedOut: Bool

    public var standardOutput: String { String(decoding: standardOutputData, as: UTF8.self) }
    public var standardError: String { String(decoding: standardErrorData, as: UTF8.self) }

    /// The non-empty lines written to standard error.
    public var standardErrorLines: [Substring] {
        standardError.split(separator: "\n", omittingEmptySubsequences: true)
    }

    /// A short account for failure messages: status and both streams.
    public var summary: String {
        "status \(status)\(timedOut ? " (timed out)" : "")\n--- stdout ---\n\(standardOutput)\n--- stderr ---\n\(standardError)"
    }
}
