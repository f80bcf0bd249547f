// `doctor`'s rules for one image of a pod: which entries of the pod's secrets the kubelet would
// use for it, whether they are usable, and what to run when none is.
import Foundation

extension PullDiagnoser {
    static func diagnoseImage(
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
