// What doctor and scan say about regcred's pod webhook: a regcred-managed secret in a pod but not
// in its service account came from the webhook; a pod without the secret of a ClusterPullSecret
// that serves its image would have got it with spec.podInjection on.
import Foundation
import Testing

@testable import RegcredCore

@Suite("Recognising the pod webhook (doctor, scan)")
struct PodInjectionFindingsTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let ghcr = PullDiagnoserTests.pullSecret(["ghcr.io": ("robot", "t0ken")])
    static var managedGHCR: ObservedPullSecret {
        var secret = ghcr
        secret.regcredOwner = "ghcr"
        return secret
    }

    static func offer(enabled: Bool, registries: [String] = ["ghcr.io"]) -> PodPullSecretInjection.Offer {
        PodPullSecretInjection.Offer(
            clusterPullSecret: "ghcr", secretName: "regcred-ghcr", registries: registries,
            injection: ClusterPullSecretPolicy.PodInjection(enabled: enabled, images: .matching))
    }

    static func diagnose(
        pullSecrets: [String], secrets: [String: ObservedPullSecret], accountList: [String]?, offers: [PodPullSecretInjection.Offer],
        images: [String] = ["ghcr.io/org/app:1"], subject: PullDiagnosisInput.Subject = .pod(name: "web")
    ) -> PullDiagnosis {
        var input = PullDiagnosisInput(
            subject: subject, namespace: "shop",
            containers: images.enumerated().map { .init(name: "c\($0.offset)", kind: .container, image: $0.element) },
            podPullSecrets: pullSecrets, serviceAccount: .init(name: "default", imagePullSecrets: accountList),
            secrets: secrets, now: now)
        input.injectionOffers = offers
        return PullDiagnoser.diagnose(input)
    }

    static func finding(_ code: String, in diagnosis: PullDiagnosis) -> DiagnosisFinding? {
        diagnosis.findings.first { $0.code == code }
    }

    @Test("a regcred-managed secret in the pod but not in its service account: a note that the webhook added it; the pod stays healthy")
    func injectedSecretRecognised() throws {
        let diagnosis = Self.diagnose(pullSecrets: ["regcred-ghcr"], secrets: ["regcred-ghcr": Self.managedGHCR], accountList: [], offers: [Self.offer(enabled: true)])
        let note = try #require(Self.finding("injected-by-webhook", in: diagnosis))
        #expect(note.severity == .note)
        #expect(note.message.contains("regcred-ghcr") && note.message.contains("ClusterPullSecret ghcr") && note.message.contains("webhook"))
        #expect(diagnosis.isHealthy)
        #expect(Self.finding("injection-would-add", in: diagnosis) == nil)
    }

    @Test("no webhook note when the service account lists the secret, or when regcred does not manage it")
    func notInjected() {
        let listed = Self.diagnose(pullSecrets: ["regcred-ghcr"], secrets: ["regcred-ghcr": Self.managedGHCR], accountList: ["regcred-ghcr"], offers: [])
        #expect(Self.finding("injected-by-webhook", in: listed) == nil)
        let foreign = Self.diagnose(pullSecrets: ["ghcr"], secrets: ["ghcr": Self.ghcr], accountList: [], offers: [])
        #expect(Self.finding("injected-by-webhook", in: foreign) == nil)
    }

    @Test("a pod without the secret of a ClusterPullSecret serving its image, injection off: enabling spec.podInjection would fix it")
    func wouldHaveBeenPatched() throws {
        let diagnosis = Self.diagnose(pullSecrets: [], secrets: [:], accountList: ["regcred-ghcr"], offers: [Self.offer(enabled: false)])
        let note = try #require(Self.finding("injection-would-add", in: diagnosis))
        #expect(note.message.contains("spec.podInjection.enabled") && note.message.contains("ghcr.io/org/app:1"))
        #expect(note.fix.first == #"kubectl patch clusterpullsecret ghcr --type=merge -p '{"spec":{"podInjection":{"enabled":true}}}'"#)
        #expect(note.fix.last == "kubectl delete pod web -n shop")
        // The pull still fails; the service-account explanation stays.
        #expect(!diagnosis.isHealthy)
        #expect(Self.finding("service-account-list-not-copied", in: diagnosis) != nil)
    }

    struct Quiet: CustomTestStringConvertible, Sendable {
        let name: String
        let offers: [PodPullSecretInjection.Offer]
        let pullSecrets: [String]
        let secrets: [String: ObservedPullSecret]
        let images: [String]
        var testDescription: String { name }
    }

    @Test("no suggestion when it would change nothing", arguments: [
        Quiet(name: "injection already on (the webhook was down or the pod predates it)", offers: [offer(enabled: true)], pullSecrets: [], secrets: [:], images: ["ghcr.io/org/app:1"]),
        Quiet(name: "the ClusterPullSecret serves another registry", offers: [offer(enabled: false, registries: ["quay.io"])], pullSecrets: [], secrets: [:], images: ["ghcr.io/org/app:1"]),
        Quiet(name: "the pod already lists the secret", offers: [offer(enabled: false)], pullSecrets: ["regcred-ghcr"], secrets: ["regcred-ghcr": managedGHCR], images: ["ghcr.io/org/app:1"]),
        Quiet(name: "the image pulls with another secret", offers: [offer(enabled: false)], pullSecrets: ["mine"], secrets: ["mine": ghcr], images: ["ghcr.io/org/app:1"]),
    ])
    func noSuggestion(_ example: Quiet) {
        let diagnosis = Self.diagnose(pullSecrets: example.pullSecrets, secrets: example.secrets, accountList: [], offers: example.offers, images: example.images)
        #expect(Self.finding("injection-would-add", in: diagnosis) == nil)
    }

    @Test("scan: a failing pod the webhook would have fixed carries a warning with the fix; an injected secret is no finding")
    func scan() {
        let namespace = ClusterScanInput.Namespace(
            name: "shop", secrets: ["regcred-ghcr": Self.managedGHCR], serviceAccounts: ["default": ["regcred-ghcr"]],
            pods: [
                .init(kind: "pod", name: "early", serviceAccount: nil, pullSecrets: [], containers: [.init(name: "app", kind: .container, image: "ghcr.io/org/app:1")]),
                .init(kind: "pod", name: "injected", serviceAccount: "other", pullSecrets: ["regcred-ghcr"],
                      containers: [.init(name: "app", kind: .container, image: "ghcr.io/org/app:1")]),
            ],
            injectionOffers: [Self.offer(enabled: false)])
        var withOther = namespace
        withOther.serviceAccounts["other"] = []
        let report = ClusterScan.scan(ClusterScanInput(namespaces: [withOther], now: Self.now))
        let early = report.findings.filter { $0.object == "pod/early" }
        #expect(early.contains { $0.code == "injection-would-add" && $0.severity == .warning && $0.fix.first?.contains("podInjection") == true })
        #expect(report.findings.filter { $0.object == "pod/injected" }.isEmpty, "\(report.findings.map(\.code))")
    }
}
