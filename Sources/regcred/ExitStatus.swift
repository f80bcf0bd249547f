// The exit codes scripts can rely on, one per FailureKind (sysexits.h numbers where one fits), each
// with the words `regcred --help` says about it: the help's list is made from this one switch.
import Operations

enum ExitStatus {
    /// An error regcred did not expect: a bug, to be reported.
    static let internalError: Int32 = 70  // EX_SOFTWARE

    static func code(for kind: FailureKind) -> Int32 {
        status(of: kind).code
    }

    /// The code of `kind` and what it means, in the words of `regcred --help`.
    static func status(of kind: FailureKind) -> (code: Int32, meaning: String) {
        switch kind {
        case .checkFailed:
            (1, "a check found a problem (show, match, scan, verify, doctor, sync, a rotation whose new credentials fail)")
        case .usage: (64, "usage error")  // EX_USAGE, as ArgumentParser uses for flag errors
        case .invalidInput: (65, "invalid input")  // EX_DATAERR
        case .missingInput: (66, "missing input (file, variable or secret not found)")  // EX_NOINPUT
        case .unavailable: (69, "a tool, the API server or a credential provider is unavailable")  // EX_UNAVAILABLE
        case .cannotWrite: (73, "cannot write (the secret exists, or is of another type or immutable)")  // EX_CANTCREAT
        case .temporaryFailure: (75, "repeated conflicts or a rotation still waiting, try again")  // EX_TEMPFAIL
        case .permissionDenied: (77, "forbidden or unauthorized")  // EX_NOPERM
        case .configuration: (78, "unusable kubeconfig")  // EX_CONFIG
        }
    }

    /// Every code regcred exits with, in order: success, each failure kind's, and the internal error's.
    static var all: [(code: Int32, meaning: String)] {
        ([(0, "success"), (internalError, "internal error")] + FailureKind.allCases.map(status(of:))).sorted { $0.code < $1.code }
    }

    /// The paragraph of `regcred --help` that lists them.
    static var helpParagraph: String {
        "Exit codes: " + all.map { "\($0.code) \($0.meaning)" }.joined(separator: "; ") + "."
    }
}
