// The exit codes scripts can rely on, one per FailureKind (sysexits.h numbers where one fits).
import Operations

enum ExitStatus {
    /// An error regcred did not expect: a bug, to be reported.
    static let internalError: Int32 = 70  // EX_SOFTWARE

    static func code(for kind: FailureKind) -> Int32 {
        switch kind {
        case .checkFailed: 1
        case .usage: 64  // EX_USAGE, as ArgumentParser uses for flag errors
        case .invalidInput: 65  // EX_DATAERR
        case .missingInput: 66  // EX_NOINPUT
        case .unavailable: 69  // EX_UNAVAILABLE
        case .cannotWrite: 73  // EX_CANTCREAT
        case .temporaryFailure: 75  // EX_TEMPFAIL
        case .permissionDenied: 77  // EX_NOPERM
        case .configuration: 78  // EX_CONFIG
        }
    }
}
