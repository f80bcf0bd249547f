// How the Kubernetes client's errors map to regcred's failure kinds (and so to exit codes).
import KubernetesClient
import RegcredCore

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

/// Content the gate refused: the kubelet would refuse it, or it lacks a registry it must serve.
public struct PullSecretWriteRefused: UserFacingError, Equatable {
    public let refusal: ContentRefusal
    public init(_ refusal: ContentRefusal) { self.refusal = refusal }
    public var kind: FailureKind { .invalidInput }
    public var description: String { "\(refusal.description); nothing was written" }
}

extension DockerConfig {
    /// The gate every write of pull-secret content passes (`PullSecretContentGate`), for the CLI.
    public func checkedForWrite(serving registries: [String] = []) throws(PullSecretWriteRefused) {
        if let refusal = PullSecretContentGate.check(encoded(), format: format, serving: registries) {
            throw PullSecretWriteRefused(refusal)
        }
    }
}

/// Errors of cluster-mode commands that are about the object found, not the transport.
public enum ClusterSecretError: UserFacingError, Equatable {
    case exists(namespace: String, name: String)
    case notAPullSecret(namespace: String, name: String, type: String)
    case managedByController(namespace: String, name: String, owner: String)
    case keepsConflicting(namespace: String, name: String, attempts: Int)
    /// `--overwrite` met a secret of another type: the type is immutable, so only deleting it
    /// (with `--force`) replaces it, and its other keys go with it.
    case otherTypeNeedsForce(namespace: String, name: String, type: String, keys: [String])
    /// The secret is `immutable: true`: its data cannot change in place.
    case immutable(namespace: String, name: String)

    public var kind: FailureKind {
        switch self {
        case .exists: .cannotWrite
        case .notAPullSecret: .invalidInput
        case .managedByController: .usage
        case .keepsConflicting: .temporaryFailure
        case .otherTypeNeedsForce: .cannotWrite
        case .immutable: .cannotWrite
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
        case .otherTypeNeedsForce(let namespace, let name, let type, let keys):
            "secret \(namespace)/\(name) has type \(type) (keys: \(keys.isEmpty ? "none" : keys.joined(separator: ", "))); a Secret's type cannot change, so --overwrite would have to delete it and every key in it; nothing was changed: pass --force to replace it, or choose another name"
        case .immutable(let namespace, let name):
            "secret \(namespace)/\(name) is immutable (immutable: true), so its data cannot change in place; nothing was changed: delete it and create it again (`regcred create \(name) -n \(namespace) … --overwrite --force`), or use `regcred rotate` to move to a new secret"
        }
    }
}
