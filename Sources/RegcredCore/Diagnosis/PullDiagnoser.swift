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

    // MARK: one image

    private static func diagnoseImage(
        _ container: PullDiagnosisInput.ContainerImage, input: PullDiagnosisInput,
        candidates: [KubeletMatcher.Candidate<EntryRef>], secrets: [String: PullSecretVerdict],
        refusing: [PullSecretVerdict], intentFromContext: Bool, listNames: [String], commands: PullFixCommands
    ) -> ImageDiagnosis {
        let image: ImageReference
        do {
            image = try ImageReference(parsing: container.image)
        } catch {
            return ImageDiagnosis(
                container: container.name, kind: container.kind, image: container.image, normalizedImage: nil,
                status: .problem, credentials: [], nearMisses: [],
                findings: [DiagnosisFinding(code: "invalid-image", severity: .problem, message: "\(error) (the kubelet reports InvalidImageName)")])
        }
        let outcome = KubeletMatcher.lookup(image, in: candidates, kubelet: input.kubeletVersion)
        var findings: [DiagnosisFinding] = []
        var credentials: [CredentialUse] = []
        for (position, match) in outcome.matches.enumerated() {
            guard let secret = secrets[match.entry.secret], let sent = secret.kubelet?.entries[match.entry.key] else { continue }
            // What the kubelet sends; the editor's view of the entry only for the auth check and fixes.
            let entry = secret.config?.entries[match.entry.key] ?? DockerConfigEntry(username: sent.usernameField)
            let effective: (username: String, password: String)? = (sent.username, sent.password.value)
            let expiresAt = effective.flatMap { CredentialExpiry.of(password: $0.password) }
            let expired = expiresAt.map { $0 <= input.now } ?? false
            let empty = effective.map { $0.username.isEmpty && $0.password.isEmpty } ?? true
            credentials.append(CredentialUse(
                secret: secret.name, registryKey: match.key, order: position + 1, username: effective?.username ?? entry.username,
                auth: entry.authCheck.label, expiresAt: expiresAt, usable: !expired && !empty, verification: nil))
            let place = "\(secret.name) \"\(match.key)\""
            if expired, let expiresAt {
                findings.append(DiagnosisFinding(
                    code: "credentials-expired", severity: .problem,
                    message: "the token in \(place) expired \(describe(expiresAt.timeIntervalSince(input.now))) (\(RFC3339.format(expiresAt)))",
                    fix: [commands.updateToken(secret: secret, registryKey: match.key)]))
            } else if let expiresAt, expiresAt.timeIntervalSince(input.now) < 3600 {
                findings.append(DiagnosisFinding(
                    code: "credentials-expiring", severity: .note,
                    message: "the token in \(place) expires \(describe(expiresAt.timeIntervalSince(input.now)))",
                    fix: [commands.updateToken(secret: secret, registryKey: match.key)]))
            }
            if empty {
                findings.append(DiagnosisFinding(
                    code: "credentials-empty", severity: .problem,
                    message: "\(place) matches but carries no credentials the kubelet uses (\(entry.authCheck.description))",
                    fix: [commands.updateToken(secret: secret, registryKey: match.key, username: entry.username ?? "<username>")]))
            }
            if case .mismatch = entry.authCheck {
                // The kubelet sends what auth says; only the first credential it tries decides.
                let first = credentials.count == 1
                findings.append(DiagnosisFinding(
                    code: "auth-mismatch", severity: first && !expired ? .problem : .note,
                    message: "\(place): \(entry.authCheck.description)",
                    fix: [commands.updateToken(secret: secret, registryKey: match.key)]))
            }
        }
        // An expired or empty entry is harmless when a later one still works: the kubelet tries them all.
        let usable = credentials.contains(where: \.usable)
        if usable {
            for index in findings.indices where ["credentials-expired", "credentials-empty"].contains(findings[index].code) {
                findings[index].severity = .note
            }
        }

        let nearMisses = outcome.others.compactMap {
            NearMiss.classify(secret: $0.entry.secret, key: $0.key, verdict: $0.verdict, image: image)
        }
        var status: ImageDiagnosis.Status
        if usable {
            status = findings.contains { $0.severity == .problem } ? .problem : .ok
        } else if !credentials.isEmpty {
            status = .problem
        } else if nearMisses.contains(where: { $0.kind != .path }) || intentFromContext || container.pullFailure != nil {
            status = .problem
            findings += noCredentialFindings(
                image: image, nearMisses: nearMisses, input: input, secrets: secrets, listNames: listNames, commands: commands)
        } else {
            status = .anonymous
            // A key scoped to another path on the same host usually serves other repositories
            // (docker.io/acme vs docker.io/library/nginx): named, but no sign the image is private.
            for miss in nearMisses {
                findings.append(DiagnosisFinding(
                    code: "near-miss-\(miss.kind.rawValue)", severity: .note,
                    message: "\(miss.secret) \"\(miss.registryKey)\" does not match \(image.normalizedName): \(miss.detail)"))
            }
            findings.append(DiagnosisFinding(
                code: "anonymous", severity: .note,
                message: "no pull secret entry matches \(image.normalizedName): the kubelet pulls it without credentials, which works only for a public image"))
        }

        if let failure = container.pullFailure {
            findings.append(DiagnosisFinding(
                code: "last-pull-failed", severity: .note,
                message: "the kubelet reported: \(failure)"
                    + (status == .ok ? "; the credentials look right here: check with --verify, and check the image name and tag" : "")))
        }
        if !refusing.isEmpty {
            status = .problem
            findings.insert(DiagnosisFinding(
                code: "keyring-refused", severity: .problem,
                message: "the kubelet refuses to pull any image of this pod while \(refusing.map(\.name).joined(separator: ", ")) \(refusing.count == 1 ? "is" : "are") malformed"),
                at: 0)
        }
        return ImageDiagnosis(
            container: container.name, kind: container.kind, image: container.image, normalizedImage: image.normalizedName,
            status: status, credentials: credentials, nearMisses: nearMisses, findings: findings)
    }

    /// Why an image gets no credentials though it should, and what to run.
    private static func noCredentialFindings(
        image: ImageReference, nearMisses: [NearMiss], input: PullDiagnosisInput, secrets: [String: PullSecretVerdict],
        listNames: [String], commands: PullFixCommands
    ) -> [DiagnosisFinding] {
        let none = listNames.isEmpty
            ? "the pod has no pull secrets, so the kubelet pulls \(image.normalizedName) without credentials"
            : "no entry of pull secrets \(listNames.joined(separator: ", ")) matches \(image.normalizedName), so the kubelet pulls it without credentials"
        var findings: [DiagnosisFinding] = []
        for miss in nearMisses {
            findings.append(DiagnosisFinding(
                code: "near-miss-\(miss.kind.rawValue)", severity: .problem,
                message: "\(miss.secret) \"\(miss.registryKey)\" does not match \(image.normalizedName): \(miss.detail)",
                fix: secrets[miss.secret].map { nearMissFix(miss, secret: $0, commands: commands) } ?? []))
        }
        var fix: [String] = []
        let suggested = NearMiss.suggestedKey(for: image)
        if nearMisses.isEmpty {
            if let missing = listNames.first(where: { input.secrets[$0] == nil }) {
                fix = [commands.create(secret: missing, registries: [suggested], username: nil)]
            } else if let wrong = listNames.compactMap({ secrets[$0] }).first(where: { $0.state == .notAPullSecret || $0.state == .missingKey }) {
                fix = [commands.deleteSecret(wrong.name), commands.create(secret: wrong.name, registries: [suggested], username: nil)]
            } else if case .pod = input.subject, input.podPullSecrets.isEmpty, !(input.serviceAccount?.imagePullSecrets ?? []).isEmpty {
                fix = []  // the service-account-list-not-copied finding carries the fix
            } else {
                fix = referenceFix(image: image, input: input, commands: commands, suggested: suggested)
            }
        }
        findings.insert(DiagnosisFinding(
            code: "no-credentials", severity: .problem,
            message: none,
            fix: fix), at: 0)
        return findings
    }

    /// Add a key the image matches: rewrite the secret with it when all its entries share one
    /// credential (nothing is lost), else edit the secret by hand.
    private static func nearMissFix(_ miss: NearMiss, secret: PullSecretVerdict, commands: PullFixCommands) -> [String] {
        guard let config = secret.config, let kubelet = secret.kubelet else { return [] }
        let credentials = kubelet.registries.compactMap { key in kubelet.entries[key].map { (username: $0.username, password: $0.password.value) } }
        let shared = credentials.count == config.entries.count && credentials.dropFirst().allSatisfy {
            $0.username == credentials[0].username && $0.password == credentials[0].password
        }
        if shared, let first = credentials.first, secret.file == nil {
            // Keep every key (other images may rely on them) and add the one this image matches.
            return [commands.create(secret: secret.name, registries: config.registries + [miss.suggestedKey], username: first.username, overwrite: true)]
        }
        if let file = secret.file {
            return ["regcred create \(secret.name) --registry \(PullFixCommands.quoted(miss.suggestedKey)) --username <username> --password-stdin -o yaml > \(PullFixCommands.quoted(file))"]
        }
        return ["kubectl edit secret \(secret.name)\(commands.namespaceSuffix)"]
    }

    /// The image needs a pull secret the pod does not list: reference a matching one the
    /// namespace already has, or create one, then make the pod pick it up.
    private static func referenceFix(
        image: ImageReference, input: PullDiagnosisInput, commands: PullFixCommands, suggested: String
    ) -> [String] {
        let existing = input.otherPullSecrets.keys.sorted().first { name in
            let verdict = PullSecretVerdict.evaluate(name: name, observed: input.otherPullSecrets[name], namespace: input.namespace)
            guard verdict.state == .usable, let config = verdict.kubelet else { return false }
            let candidates = config.registries.map { KubeletMatcher.Candidate(key: $0, entry: $0) }
            return !KubeletMatcher.lookup(image, in: candidates, kubelet: input.kubeletVersion).matches.isEmpty
        }
        let hostLabel = image.registry.split(separator: ".").first.map(String.init) ?? "registry"
        let name = existing ?? "regcred-" + hostLabel.filter { $0.isLetter || $0.isNumber || $0 == "-" }.lowercased()
        var fix = existing == nil ? [commands.create(secret: name, registries: [suggested], username: nil)] : []
        switch input.subject {
        case .pod(let pod):
            if input.podPullSecrets.isEmpty, let account = input.serviceAccount {
                fix.append(commands.patchServiceAccount(account.name, pullSecrets: (account.imagePullSecrets ?? []) + [name]))
                fix.append(commands.recreate(pod: pod, owner: input.owner))
            } else {
                // The pod's own list is immutable: the workload's pod template must list the secret.
                fix.append("add {\"name\":\"\(name)\"} to imagePullSecrets in the pod template of \(input.owner.map { "\($0.kind.lowercased())/\($0.name)" } ?? "pod \(pod)")")
            }
        case .prospectivePod, .manifest:
            if let account = input.serviceAccount, input.podPullSecrets.isEmpty {
                fix.append(commands.patchServiceAccount(account.name, pullSecrets: (account.imagePullSecrets ?? []) + [name]))
            }
        case .secretFiles:
            break
        }
        return fix
    }

    /// "3h ago" / "in 42m".
    static func describe(_ interval: TimeInterval) -> String {
        let seconds = Int(abs(interval))
        let amount: String
        switch seconds {
        case ..<120: amount = "\(seconds)s"
        case ..<7200: amount = "\(seconds / 60)m"
        case ..<172_800: amount = "\(seconds / 3600)h"
        default: amount = "\(seconds / 86400)d"
        }
        return interval < 0 ? "\(amount) ago" : "in \(amount)"
    }
}
