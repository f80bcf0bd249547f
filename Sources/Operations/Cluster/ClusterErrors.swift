// How the Kubernetes client's errors map to regcred's failure kinds (and so to exit codes).
import KubernetesClient

extension KubeAPIError: UserFacingError {
    public var kind: FailureKind {
        switch reason {
        case .notFound: .missingInput
        case .alreadyExists: .cannotWrite
        case .conflict: .temporaryFailure
        case .forbidden, .unauthorized: .permissionDenied
        case .invalid, .badRequest: .invalidInput
        case .gone, .tooManyRequests, .methodNotAllowed, .unsupportedMediaType, .serverError, .serviceUnavailable,
            .timeout, .unreachable, .tls, .unexpectedResponse:
            .unavailable
        }
    }
}

extension KubeconfigError: UserFacingError {
    public var kind: FailureKind { .configuration }
}

/// Errors of cluster-mode commands that are about the object found, not the transport.
public enum ClusterSecretError: UserFacingError, Equatable {
    case exists(namespace: String, name: String)
    case notAPullSecret(namespace: String, name: String, type: String)
    case managedByController(namespace: String, name: String, owner: String)
    case keepsConflicting(namespace: String, name: String, attempts: Int)

    public var kind: FailureKind {
        switch self {
        case .exists: .cannotWrite
        case .notAPullSecret: .invalidInput
        case .managedByController: .usage
        case .keepsConflicting: .temporaryFailure
        }
    }

    public var description: String {
        switch self {
        case .exists(let namespace, let name):
            "secret \(namespace)/\(name) already exists; pass --overwrite to replace it, or `regcred update \(name) -n \(namespace)` to change only its token"
        case .notAPullSecret(let namespace, let name, let type):
            "secret \(namespace)/\(name) has type \(type); a pull secret must be kubernetes.io/dockerconfigjson (or kubernetes.io/dockercfg); nothing was changed"
        case .managedByController(let namespace, let name, let owner):
            "secret \(namespace)/\(name) is managed by ClusterPullSecret \(owner), which would put it back; change the ClusterPullSecret instead, or pass --force"
        case .keepsConflicting(let namespace, let name, let attempts):
            "secret \(namespace)/\(name) changed under us \(attempts) times in a row; nothing was written, try again"
        }
    }
}
