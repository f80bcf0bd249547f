// The rules of `doctor`, as the kubelet applies them: which pull secret list a pod has, what
// happens to each secret in it, which entries match each image, whether they are usable, and
// what to run to fix what is not. Pure: observations and a clock reading in, a diagnosis out.
import Foundation

public enum PullDiagnoser {
    public static func diagnose(_ input: PullDiagnosisInput) -> PullDiagnosis {
        let commands = PullFixCommands(namespace: input.namespace)
        let (list, source) = pullSecretList(input)
        var seenNames = Set<String>()
        let verdicts = list.filter { seenNames.insert($0).inserted }.map {
            PullSecretVerdict.evaluate(name: $0, observed: input.secrets[$0], namespace: input.namespace)
        }
        var context = contextFindings(input, list: list, verdicts: verdicts, commands: commands)
        let refusing = verdicts.filter(\.breaksEveryPull)

        // Kubelet order: secrets in list order; within a secret Go's map order is random, so sorted keys.
        var candidates: [KubeletMatcher.Candidate<EntryRef>] = []
        for verdict in verdicts where verdict.state == .usable {
            for key in verdict.kubelet?.registries ?? [] {
                candidates.append(.init(key: key, entry: EntryRef(secret: verdict.name, key: key)))
            }
        }
        let secretsByName = Dictionary(verdicts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let intentFromContext = context.contains { Self.contextCodesSuggestingCredentials.contains($0.code) }

        var images: [ImageDiagnosis] = []
        for container in input.containers {
            images.append(diagnoseImage(
                container, input: input, candidates: candidates, secrets: secretsByName, refusing: refusing,
                intentFromContext: intentFromContext, listNames: list, commands: commands))
        }

        // Missing, mistyped and uncopied secrets only hurt when an image is left without credentials.
        let someImageLacksCredentials = images.contains { $0.status != .ok }
        for index in context.indices where Self.contextCodesSuggestingCredentials.contains(context[index].code) {
            context[index].severity = someImageLacksCredentials ? .problem : .note
        }
        context += PodInjectionFindings.findings(input, images: images, commands: commands)
        return PullDiagnosis(
            pullSecretSource: source, namespace: input.namespace, pod: podName(input),
            serviceAccount: input.serviceAccount?.name, secrets: verdicts, images: images, findings: context)
    }

    /// Context findings whose severity depends on whether an image lacks credentials.
    static let contextCodesSuggestingCredentials: Set<String> = [
        "secret-missing", "secret-wrong-type", "secret-missing-key", "service-account-list-not-copied",
    ]

    struct EntryRef: Sendable, Equatable {
        let secret: String
        let key: String
    }

    private static func podName(_ input: PullDiagnosisInput) -> String? {
        switch input.subject {
        case .pod(let name): name
        case .manifest(let name): name
        case .prospectivePod, .secretFiles: nil
        }
    }

    /// The list the kubelet will use, and where it comes from.
    static func pullSecretList(_ input: PullDiagnosisInput) -> (names: [String], source: String) {
        switch input.subject {
        case .pod:
            return (input.podPullSecrets, "pod")
        case .prospectivePod:
            return (input.serviceAccount?.imagePullSecrets ?? [], "service-account")
        case .manifest:
            if input.podPullSecrets.isEmpty, let inherited = input.serviceAccount?.imagePullSecrets {
                return (inherited, "service-account")
            }
            return (input.podPullSecrets, "pod")
        case .secretFiles:
            return (input.podPullSecrets, "files")
        }
    }

    // MARK: the pod's list and its secrets

    private static func contextFindings(
        _ input: PullDiagnosisInput, list: [String], verdicts: [PullSecretVerdict], commands: PullFixCommands
    ) -> [DiagnosisFinding] {
        var findings: [DiagnosisFinding] = []
        let account = input.serviceAccount
        let accountList = account?.imagePullSecrets ?? []
        switch input.subject {
        case .pod(let pod):
            if input.podPullSecrets.isEmpty, let account, !accountList.isEmpty {
                findings.append(DiagnosisFinding(
                    code: "service-account-list-not-copied", severity: .problem,
                    message: "pod \(pod) sets no imagePullSecrets, but service account \(account.name) now lists \(accountList.joined(separator: ", ")). "
                        + "A service account's imagePullSecrets are copied into a pod only when the pod is created, and only when the pod sets none; "
                        + "this pod was created before \(account.name) was patched, so the kubelet pulls without them. Create the pod again.",
                    fix: [commands.recreate(pod: pod, owner: input.owner)]))
            } else if input.podPullSecrets.isEmpty {
                let accountName = account?.name ?? "default"
                findings.append(DiagnosisFinding(
                    code: "no-pull-secrets", severity: .note,
                    message: "neither pod \(pod) nor service account \(accountName) lists imagePullSecrets; every image is pulled without credentials"))
            } else if let account, case let extra = accountList.filter({ !input.podPullSecrets.contains($0) }), !extra.isEmpty {
                findings.append(DiagnosisFinding(
                    code: "service-account-list-ignored", severity: .note,
                    message: "service account \(account.name) also lists \(extra.joined(separator: ", ")), which this pod does not use: a pod that sets imagePullSecrets gets nothing from its service account"))
            }
        case .prospectivePod:
            if let account, account.imagePullSecrets == nil {
                findings.append(DiagnosisFinding(
                    code: "service-account-missing", severity: .problem,
                    message: "service account \(account.name) does not exist\(input.namespace.map { " in namespace \($0)" } ?? ""); the API server refuses to create a pod that names it",
                    fix: ["kubectl create serviceaccount \(account.name)\(input.namespace.map { " -n \($0)" } ?? "")"]))
            } else if let account {
                findings.append(DiagnosisFinding(
                    code: "service-account-list", severity: .note,
                    message: "a new pod that sets no imagePullSecrets gets service account \(account.name)'s list, copied once at creation: \(accountList.isEmpty ? "none" : accountList.joined(separator: ", "))"))
            }
        case .manifest(let pod):
            if input.podPullSecrets.isEmpty {
                let accountName = account?.name ?? "its service account"
                findings.append(DiagnosisFinding(
                    code: "pull-secrets-from-service-account", severity: .note,
                    message: "\(pod.map { "pod \($0)" } ?? "the pod") sets no imagePullSecrets: at creation it gets \(accountName)'s list (copied only then, and only when the pod sets none)"
                        + (account == nil ? "; check that list with `regcred doctor --image IMAGE --service-account NAME -n NS`" : "")))
            }
        case .secretFiles:
            break
        }

        for verdict in verdicts {
            switch verdict.state {
            case .usable:
                continue
            case .missing:
                findings.append(DiagnosisFinding(
                    code: "secret-missing", severity: .problem, message: "secret \(verdict.name) is \(verdict.detail)"))
            case .notAPullSecret:
                findings.append(DiagnosisFinding(
                    code: "secret-wrong-type", severity: .problem, message: "secret \(verdict.name) \(verdict.detail)",
                    fix: [commands.deleteSecret(verdict.name)]))
            case .missingKey:
                findings.append(DiagnosisFinding(
                    code: "secret-missing-key", severity: .problem, message: "secret \(verdict.name) has \(verdict.detail)",
                    fix: [commands.deleteSecret(verdict.name)]))
            case .malformed:
                findings.append(DiagnosisFinding(
                    code: "secret-malformed", severity: .problem,
                    message: "secret \(verdict.name) is malformed: \(verdict.detail); the kubelet refuses the pod's whole keyring, so every image of this pod fails to pull, public ones included",
                    fix: malformedFix(verdict, commands: commands)))
            }
        }
        return findings
    }

    private static func malformedFix(_ verdict: PullSecretVerdict, commands: PullFixCommands) -> [String] {
        // An entry the editor can read again gets new credentials; anything else is recreated.
        guard let config = verdict.config, let key = verdict.refusal?.registry, let entry = config.entries[key] else {
            return verdict.file == nil
                ? [commands.deleteSecret(verdict.name), commands.create(secret: verdict.name, registries: ["<registry>"], username: nil)]
                : []
        }
        return [commands.updateToken(secret: verdict, registryKey: key, username: entry.username ?? "<username>")]
    }
}
