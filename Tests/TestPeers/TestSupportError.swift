// Why the test scaffolding (not the code under test) could not do its part.
import Foundation

public enum TestSupportError: Error, CustomStringConvertible {
    case toolMissing(String)
    case regcredNotBuilt(searched: [String])
    case toolFailed(String, ProcessOutcome)
    case serverDidNotStart(String, log: String)
    case noFreePort(errno: Int32)
    case unexpectedOutput(String)

    public var description: String {
        switch self {
        case .toolMissing(let name):
            "\(name) is not installed; scripts/test installs every test dependency"
        case .regcredNotBuilt(let searched):
            "no regcred binary found (set REGCRED_BIN or run swift build); looked at: \(searched.joined(separator: ", "))"
        case .toolFailed(let what, let outcome):
            "\(what) failed: \(outcome.summary)"
        case .serverDidNotStart(let what, let log):
            "\(what) did not start; its log:\n\(log)"
        case .noFreePort(let code):
            "could not reserve a port on 127.0.0.1 (errno \(code))"
        case .unexpectedOutput(let detail):
            detail
        }
    }
}
