// Checking a docker config's credentials against its registries before they are used: the
// controller's `spec.verify` and `regcred rotate` both go through `RegistryVerifying`, backed in
// production by RegistryProbe's handshake.
import Foundation
import RegcredCore
import RegistryProbe

/// Checks a docker config's credentials against registries.
public protocol RegistryVerifying: Sendable {
    /// One check per registry in `registries`; with `image`, one check of pull rights on that
    /// image, with the entry the kubelet would use for it.
    func verify(config: DockerConfig, registries: [String], image: String?) async -> [RegistryCheck]
}

/// `RegistryVerifying` through a long-lived `RegistryProber` (connections reused across checks).
public struct ProbeVerifier: RegistryVerifying {
    public let prober: RegistryProber

    public init(prober: RegistryProber) {
        self.prober = prober
    }

    public func verify(config: DockerConfig, registries: [String], image: String?) async -> [RegistryCheck] {
        if let image {
            guard let reference = try? ImageReference(parsing: image) else {
                return [RegistryCheck(registry: image, result: .failed, detail: "not an image reference")]
            }
            let candidates = config.registries.map { KubeletMatcher.Candidate(key: $0, entry: $0) }
            guard let key = KubeletMatcher.lookup(reference, in: candidates).matches.first?.key else {
                return [RegistryCheck(registry: reference.registry, result: .failed, detail: "no entry of the secret matches \(image)")]
            }
            return [await check(key, config: config, image: reference)]
        }
        var checks: [RegistryCheck] = []
        for registry in registries { checks.append(await check(registry, config: config, image: nil)) }
        return checks
    }

    private func check(_ key: String, config: DockerConfig, image: ImageReference?) async -> RegistryCheck {
        let credential = config.entries[key]?.effectiveCredentials.map { Credential(username: $0.username, password: Redacted($0.password)) }
        let result = await prober.probe(registry: key, credential: credential, image: image)
        return RegistryCheck(registry: key, result: Self.classify(result), detail: result.description)
    }

    static func classify(_ result: ProbeResult) -> RegistryCheck.Result {
        switch result {
        case .ok: .ok
        case .unreachable, .tlsFailure: .unreachable
        case .credentialsRejected, .credentialsRequired: .rejected
        case .noPullPermission: .noPullPermission
        case .notFound, .unexpected, .protocolError, .invalidRegistryKey: .failed
        }
    }
}

extension ProbeOutcome {
    /// What `doctor --verify` makes of a registry's answer.
    public init(_ result: ProbeResult) {
        switch result {
        case .ok: self = .ok
        case .credentialsRejected, .credentialsRequired: self = .rejected
        case .noPullPermission: self = .noPullPermission
        case .unreachable, .tlsFailure: self = .unreachable(result.description)
        case .notFound, .unexpected, .protocolError, .invalidRegistryKey: self = .other(result.description)
        }
    }
}

extension RegistryProber {
    /// This prober as `doctor`'s probe closure.
    public var pullCredentialProbe: PullCredentialProbe {
        { [self] key, username, password, image in
            ProbeOutcome(await probe(
                registry: key, credential: Credential(username: username, password: password), image: try? ImageReference(parsing: image)))
        }
    }
}
