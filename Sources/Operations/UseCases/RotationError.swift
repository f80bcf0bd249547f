// Why `rotate` stopped, with the exit code scripts rely on and what to do next.

public enum RotationError: UserFacingError, Equatable {
    case badWorkload(String)
    case badReference(String)
    case missing(namespace: String, name: String)
    case nameTaken(namespace: String, name: String, old: String)
    case unsupportedSecret(String, String)
    case verificationFailed(String, old: String, new: String)
    case stillReferenced([String], old: String)

    public var kind: FailureKind {
        switch self {
        case .badWorkload, .badReference: .usage
        case .missing: .missingInput
        case .nameTaken: .cannotWrite
        case .unsupportedSecret: .invalidInput
        case .verificationFailed: .checkFailed
        case .stillReferenced: .temporaryFailure
        }
    }

    public var description: String {
        switch self {
        case .badWorkload(let text):
            "--workload \(text): expected KIND/NAME with KIND deployment, statefulset, daemonset or cronjob"
        case .badReference(let text):
            "--ref \(text): expected GROUP/VERSION/RESOURCE/NAME:FIELD.PATH (v1/RESOURCE/NAME:… for the core group)"
        case .missing(let namespace, let name):
            "secret \(namespace)/\(name) does not exist, and no rotation from it was started"
        case .nameTaken(let namespace, let name, let old):
            "secret \(namespace)/\(name) exists and is not a rotation of \(old); rename or delete it first"
        case .unsupportedSecret(let name, let why):
            "cannot rotate secret \(name): \(why)"
        case .verificationFailed(let message, let old, let new):
            "the new credentials failed verification (\(message)); \(old) is still in use and \(new) is referenced by nothing; fix the credentials and run again, or delete \(new)"
        case .stillReferenced(let references, let old):
            "\(old) is still referenced by \(references.joined(separator: ", ")); nothing was deleted; run the same command again to resume"
        }
    }
}
