// `doctor --verify`: which credentials to try against the registry for each image (the usable
// matches, in the kubelet's order), and how the registry's answers change the diagnosis.
import Foundation

/// One credential to probe for one image. The password stays wrapped.
public struct PullProbeTarget: Sendable, Equatable {
    public let imageIndex: Int
    public let credentialIndex: Int
    public let registryKey: String
    public let username: String
    public let password: Redacted<String>
    /// The fully qualified image, e.g. `docker.io/library/nginx:latest`.
    public let image: String
}

/// What a registry said about one credential, reduced to what the diagnosis needs.
public enum PullVerification: Sendable, Equatable {
    case accepted
    case rejected
    case noPullPermission
    /// The registry could not be asked or answered oddly; says nothing about the credentials.
    case inconclusive(String)

    var label: String {
        switch self {
        case .accepted: "ok"
        case .rejected: "rejected"
        case .noPullPermission: "no-pull-permission"
        case .inconclusive(let detail): "inconclusive: \(detail)"
        }
    }
}

extension PullDiagnosis {
    /// For every image that looks pullable, its usable credentials in the kubelet's order.
    /// A caller probes an image's targets in order and may stop at the first accepted one.
    public var probeTargets: [[PullProbeTarget]] {
        images.indices.map { imageIndex in
            let image = images[imageIndex]
            guard image.status == .ok, let normalized = image.normalizedImage,
                let reference = try? ImageReference(parsing: image.image)
            else { return [] }
            let qualified = reference.tag == nil && reference.digest == nil ? normalized + ":latest" : reference.description
            return image.credentials.indices.compactMap { credentialIndex -> PullProbeTarget? in
                let use = image.credentials[credentialIndex]
                guard use.usable,
                    let sent = secrets.first(where: { $0.name == use.secret })?.kubelet?.entries[use.registryKey]
                else { return nil }
                return PullProbeTarget(
                    imageIndex: imageIndex, credentialIndex: credentialIndex, registryKey: use.registryKey,
                    username: sent.username, password: sent.password, image: qualified)
            }
        }
    }

    /// Records the registry's answers. An image whose every probed credential was refused
    /// becomes a problem; an unreachable registry only adds a note.
    public mutating func applyVerification(_ results: [(target: PullProbeTarget, result: PullVerification)]) {
        let commands = PullFixCommands(namespace: namespace)
        for (target, result) in results {
            images[target.imageIndex].credentials[target.credentialIndex].verification = result.label
        }
        for imageIndex in images.indices {
            let probed = results.filter { $0.target.imageIndex == imageIndex }
            guard !probed.isEmpty, !probed.contains(where: { $0.result == .accepted }) else { continue }
            var refused = false
            for (target, result) in probed {
                let use = images[imageIndex].credentials[target.credentialIndex]
                let place = "\(use.secret) \"\(use.registryKey)\" (user \(use.username ?? ""))"
                switch result {
                case .accepted:
                    break
                case .rejected:
                    refused = true
                    let fix = secrets.first { $0.name == use.secret }.map {
                        [commands.updateToken(secret: $0, registryKey: use.registryKey)]
                    } ?? []
                    images[imageIndex].findings.append(DiagnosisFinding(
                        code: "registry-rejected", severity: .problem,
                        message: "the registry rejected the credentials of \(place)", fix: fix))
                case .noPullPermission:
                    refused = true
                    images[imageIndex].findings.append(DiagnosisFinding(
                        code: "registry-no-pull-permission", severity: .problem,
                        message: "the registry accepted \(place) but refused to serve \(target.image): grant that account pull access to the repository, or check the image name"))
                case .inconclusive(let detail):
                    images[imageIndex].findings.append(DiagnosisFinding(
                        code: "registry-unverified", severity: .note,
                        message: "could not verify \(place) against the registry: \(detail)"))
                }
            }
            if refused && !probed.contains(where: { if case .inconclusive = $0.result { true } else { false } }) {
                images[imageIndex].status = .problem
            }
        }
    }
}
