// What `doctor` and `scan` say about regcred's pod admission webhook: a pull secret a pod lists
// although its service account does not, and that regcred manages, most likely came from the
// webhook at creation; a pod left without the secret of a ClusterPullSecret that selects its
// namespace and serves its image would have got it had that ClusterPullSecret's
// spec.podInjection been on. Pure: the diagnosis's own observations in, notes out. The offers
// and the matching are the webhook's own (PodPullSecretInjection), so doctor says what it would do.
import Foundation

enum PodInjectionFindings {
    static let injectedCode = "injected-by-webhook"
    static let wouldInjectCode = "injection-would-add"

    static func findings(_ input: PullDiagnosisInput, images: [ImageDiagnosis], commands: PullFixCommands) -> [DiagnosisFinding] {
        guard case .pod(let pod) = input.subject else { return [] }
        var findings: [DiagnosisFinding] = []
        // Only the webhook adds to a pod a regcred-managed secret its service account does not list.
        if let account = input.serviceAccount, let accountList = account.imagePullSecrets {
            for name in input.podPullSecrets where !accountList.contains(name) {
                guard let owner = input.secrets[name]?.regcredOwner else { continue }
                findings.append(DiagnosisFinding(
                    code: injectedCode, severity: .note,
                    message: "pull secret \(name) (ClusterPullSecret \(owner)) is in pod \(pod) but not in service account \(account.name): "
                        + "regcred's pod admission webhook added it when the pod was created (spec.podInjection)"))
            }
        }
        // Images left without credentials that a ClusterPullSecret of this namespace serves.
        let lacking = images.filter { $0.status != .ok }
        for offer in input.injectionOffers where !offer.injection.enabled && !input.podPullSecrets.contains(offer.secretName) {
            let served = lacking.filter { image in
                guard let reference = try? ImageReference(parsing: image.image) else { return false }
                return PodPullSecretInjection.serves(offer.registries, anyOf: [reference], kubelet: input.kubeletVersion)
            }
            guard !served.isEmpty else { continue }
            let patch = #"kubectl patch clusterpullsecret \#(offer.clusterPullSecret) --type=merge -p '{"spec":{"podInjection":{"enabled":true}}}'"#
            findings.append(DiagnosisFinding(
                code: wouldInjectCode, severity: .note,
                message: "ClusterPullSecret \(offer.clusterPullSecret) serves \(served.map(\.image).joined(separator: ", ")) in this namespace, "
                    + "but pod \(pod) was created without its secret \(offer.secretName) (created before its service account was patched, or it sets its own imagePullSecrets); "
                    + "with spec.podInjection.enabled, regcred's webhook adds \(offer.secretName) to pods like this one at creation",
                fix: [patch, commands.recreate(pod: pod, owner: input.owner)]))
        }
        return findings
    }
}
