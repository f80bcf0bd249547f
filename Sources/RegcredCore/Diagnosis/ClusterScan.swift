// The rules of `regcred scan`: which workloads of a cluster will fail their next pull, and why.
// Pure: namespaces as observed (pull secrets, service accounts, pods, pod templates) and a clock
// reading in, findings with their fix commands out; each pod and template is judged by the
// same PullDiagnoser as `doctor`.
import Foundation

/// What `scan` observed, per namespace.
public struct ClusterScanInput: Sendable {
    /// A pod, or the pod template of a workload.
    public struct PodObservation: Sendable, Equatable {
        /// `pod`, `deployment`, `statefulset`, `daemonset`, `job`, `cronjob`.
        public var kind: String
        public var name: String
        public var serviceAccount: String?
        public var pullSecrets: [String]
        public var containers: [PullDiagnosisInput.ContainerImage]
        public var owner: PullDiagnosisInput.PodOwner?

        public init(
            kind: String, name: String, serviceAccount: String?, pullSecrets: [String],
            containers: [PullDiagnosisInput.ContainerImage], owner: PullDiagnosisInput.PodOwner? = nil
        ) {
            self.kind = kind
            self.name = name
            self.serviceAccount = serviceAccount
            self.pullSecrets = pullSecrets
            self.containers = containers
            self.owner = owner
        }

        var isPod: Bool { kind == "pod" }
        var object: String { "\(kind)/\(name)" }
    }

    public struct Namespace: Sendable {
        public var name: String
        /// Every secret by name; only pull secrets need their data.
        public var secrets: [String: ObservedPullSecret]
        /// Service accounts by name, with their `imagePullSecrets`.
        public var serviceAccounts: [String: [String]]
        /// Pods and pod templates.
        public var pods: [PodObservation]
        /// The ClusterPullSecrets that select this namespace (empty when unknown).
        public var injectionOffers: [PodPullSecretInjection.Offer]

        public init(name: String, secrets: [String: ObservedPullSecret], serviceAccounts: [String: [String]], pods: [PodObservation],
                    injectionOffers: [PodPullSecretInjection.Offer] = []) {
            self.name = name
            self.secrets = secrets
            self.serviceAccounts = serviceAccounts
            self.pods = pods
            self.injectionOffers = injectionOffers
        }
    }

    public var namespaces: [Namespace]
    public var now: Date
    /// A token expiring sooner than this is reported (as `doctor` does, one hour).
    public var expiringWithin: TimeInterval
    /// Whose matching rules apply.
    public var kubeletVersion: KubeletVersion

    public init(namespaces: [Namespace], now: Date, expiringWithin: TimeInterval = 3600, kubeletVersion: KubeletVersion = .newest) {
        self.namespaces = namespaces
        self.now = now
        self.expiringWithin = expiringWithin
        self.kubeletVersion = kubeletVersion
    }
}

/// One thing `scan` found, where, and what to run.
public struct ScanFinding: Sendable, Equatable, Encodable {
    public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
        /// Nothing fails, but something is left over (a pull secret nothing references).
        case info
        /// A pull may fail later, or a reference points nowhere.
        case warning
        /// A pull fails now.
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// A stable identifier for scripts: `secret-refused`, `credentials-expired`, `no-credentials`, …
    public let code: String
    public let severity: Severity
    public let namespace: String
    /// `secret/NAME`, `pod/NAME`, `deployment/NAME`, `serviceaccount/NAME`.
    public let object: String
    public let message: String
    /// The pods (`pod/NAME`) that fail because of this finding, when it is about a secret.
    public let affects: [String]
    public let fix: [String]
}

public struct ClusterScanReport: Sendable, Equatable, Encodable {
    public struct Scanned: Sendable, Equatable, Encodable {
        public let namespaces: Int
        public let pods: Int
        public let workloads: Int
        public let pullSecrets: Int
        public let serviceAccounts: Int
    }

    public let scanned: Scanned
    /// Sorted by namespace, object, code: stable for CI diffs.
    public let findings: [ScanFinding]

    public func count(_ severity: ScanFinding.Severity) -> Int { findings.filter { $0.severity == severity }.count }

    /// Only findings at `minimum` severity or above.
    public func filtered(minimum: ScanFinding.Severity) -> ClusterScanReport {
        ClusterScanReport(scanned: scanned, findings: findings.filter { $0.severity >= minimum })
    }

    /// "scanned 2 namespaces, 5 pods, 1 workload, 4 pull secrets, 3 service accounts: 2 errors, 1 warning, 0 info"
    public var summary: String {
        func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
        let things = [
            counted(scanned.namespaces, "namespace"), counted(scanned.pods, "pod"), counted(scanned.workloads, "workload"),
            counted(scanned.pullSecrets, "pull secret"), counted(scanned.serviceAccounts, "service account"),
        ]
        let found = "\(counted(count(.error), "error")), \(counted(count(.warning), "warning")), \(count(.info)) info"
        return "scanned \(things.joined(separator: ", ")): \(found)"
    }
}

public enum ClusterScan {
    public static func scan(_ input: ClusterScanInput) -> ClusterScanReport {
        var findings: [ScanFinding] = []
        var pullSecretCount = 0
        var accountCount = 0
        var podCount = 0
        var workloadCount = 0
        for namespace in input.namespaces {
            let pullSecrets = namespace.secrets.filter { DockerConfigFormat(secretType: $0.value.type ?? "Opaque") != nil }
            pullSecretCount += pullSecrets.count
            accountCount += namespace.serviceAccounts.count
            podCount += namespace.pods.filter(\.isPod).count
            workloadCount += namespace.pods.filter { !$0.isPod }.count
            findings += secretFindings(namespace, pullSecrets: pullSecrets, input: input)
            findings += serviceAccountFindings(namespace)
            for pod in namespace.pods { findings += podFindings(pod, in: namespace, pullSecrets: pullSecrets, input: input) }
            findings += unreferenced(namespace, pullSecrets: pullSecrets)
        }
        findings.sort { ($0.namespace, $0.object, $0.code, $0.message) < ($1.namespace, $1.object, $1.code, $1.message) }
        return ClusterScanReport(
            scanned: .init(
                namespaces: input.namespaces.count, pods: podCount, workloads: workloadCount, pullSecrets: pullSecretCount,
                serviceAccounts: accountCount),
            findings: findings)
    }

    // MARK: secrets

    private static func secretFindings(
        _ namespace: ClusterScanInput.Namespace, pullSecrets: [String: ObservedPullSecret], input: ClusterScanInput
    ) -> [ScanFinding] {
        let commands = PullFixCommands(namespace: namespace.name)
        var findings: [ScanFinding] = []
        for name in pullSecrets.keys.sorted() {
            let verdict = PullSecretVerdict.evaluate(name: name, observed: pullSecrets[name], namespace: namespace.name)
            func finding(_ code: String, _ severity: ScanFinding.Severity, _ message: String, affects: [String] = [], fix: [String]) -> ScanFinding {
                ScanFinding(code: code, severity: severity, namespace: namespace.name, object: "secret/\(name)", message: message, affects: affects, fix: fix)
            }
            switch verdict.state {
            case .malformed:
                let pods = namespace.pods.filter { $0.isPod && $0.pullSecrets.contains(name) }.map(\.object)
                let templates = namespace.pods.filter { !$0.isPod && $0.pullSecrets.contains(name) }.map(\.object)
                let broken = pods + templates
                let who = broken.isEmpty ? "no pod lists it yet" : "every pull of \(broken.joined(separator: ", ")) fails, public images included"
                var fix: [String] = []
                if let key = verdict.refusal?.registry, let entry = verdict.config?.entries[key] {
                    fix = [commands.updateToken(secret: verdict, registryKey: key, username: entry.username ?? "<username>")]
                } else {
                    fix = [commands.deleteSecret(name), commands.create(secret: name, registries: ["<registry>"], username: nil)]
                }
                findings.append(finding("secret-refused", .error, "the kubelet refuses secret \(name) (\(verdict.detail)): \(who)", affects: pods, fix: fix))
            case .missingKey:
                findings.append(finding("secret-missing-key", .warning, "secret \(name) has \(verdict.detail)", fix: [commands.deleteSecret(name)]))
            case .usable:
                guard let kubelet = verdict.kubelet else { continue }
                for key in kubelet.registries {
                    guard let sent = kubelet.entries[key] else { continue }
                    if case .mismatch(let field)? = verdict.config?.entries[key]?.authCheck {
                        findings.append(finding(
                            "auth-mismatch", .warning,
                            "secret \(name) \"\(key)\": auth disagrees with the \(field.rawValue) field; the kubelet sends what auth says",
                            fix: [commands.updateToken(secret: verdict, registryKey: key)]))
                    }
                    guard let expiresAt = CredentialExpiry.of(password: sent.password.value) else { continue }
                    let left = expiresAt.timeIntervalSince(input.now)
                    if left <= 0 {
                        findings.append(finding(
                            "credentials-expired", .error,
                            "the token in secret \(name) \"\(key)\" expired \(PullDiagnoser.describe(left)) (\(RFC3339.format(expiresAt)))",
                            affects: namespace.pods.filter { $0.isPod && $0.pullSecrets.contains(name) }.map(\.object),
                            fix: [commands.updateToken(secret: verdict, registryKey: key)]))
                    } else if left < input.expiringWithin {
                        findings.append(finding(
                            "credentials-expiring", .warning,
                            "the token in secret \(name) \"\(key)\" expires \(PullDiagnoser.describe(left)) (\(RFC3339.format(expiresAt)))",
                            fix: [commands.updateToken(secret: verdict, registryKey: key)]))
                    }
                }
            case .missing, .notAPullSecret:
                continue
            }
        }
        return findings
    }

    // MARK: service accounts

    private static func serviceAccountFindings(_ namespace: ClusterScanInput.Namespace) -> [ScanFinding] {
        let commands = PullFixCommands(namespace: namespace.name)
        var findings: [ScanFinding] = []
        for account in namespace.serviceAccounts.keys.sorted() {
            let list = namespace.serviceAccounts[account] ?? []
            for name in list {
                let verdict = PullSecretVerdict.evaluate(name: name, observed: namespace.secrets[name], namespace: namespace.name)
                let kept = list.filter { $0 != name }
                switch verdict.state {
                case .missing:
                    findings.append(ScanFinding(
                        code: "service-account-secret-missing", severity: .warning, namespace: namespace.name, object: "serviceaccount/\(account)",
                        message: "service account \(account) lists secret \(name), which does not exist; new pods get the name and the kubelet skips it",
                        affects: [], fix: [commands.create(secret: name, registries: ["<registry>"], username: nil), commands.patchServiceAccount(account, pullSecrets: kept)]))
                case .notAPullSecret, .missingKey:
                    findings.append(ScanFinding(
                        code: "service-account-secret-wrong-type", severity: .warning, namespace: namespace.name, object: "serviceaccount/\(account)",
                        message: "service account \(account) lists secret \(name), which \(verdict.detail)",
                        affects: [], fix: [commands.patchServiceAccount(account, pullSecrets: kept)]))
                case .usable, .malformed:
                    continue
                }
            }
        }
        return findings
    }

    // MARK: pods and pod templates

    /// Codes reported once per secret rather than per pod.
    static let secretLevelCodes: Set<String> = ["secret-malformed", "keyring-refused", "credentials-expired", "credentials-expiring", "auth-mismatch"]
    /// Context findings worth a warning even when every image still pulls.
    static let referenceCodes: Set<String> = [
        "secret-missing", "secret-wrong-type", "secret-missing-key", "service-account-list-not-copied",
        // A failing pod the webhook would have fixed: the fix worth knowing next to the error.
        PodInjectionFindings.wouldInjectCode,
    ]

    private static func podFindings(
        _ pod: ClusterScanInput.PodObservation, in namespace: ClusterScanInput.Namespace, pullSecrets: [String: ObservedPullSecret],
        input scan: ClusterScanInput
    ) -> [ScanFinding] {
        let accountName = pod.serviceAccount ?? "default"
        let account = PullDiagnosisInput.ServiceAccountObservation(name: accountName, imagePullSecrets: namespace.serviceAccounts[accountName])
        let list = pod.isPod || !pod.pullSecrets.isEmpty ? pod.pullSecrets : (account.imagePullSecrets ?? [])
        var input = PullDiagnosisInput(
            subject: pod.isPod ? .pod(name: pod.name) : .manifest(name: pod.object), namespace: namespace.name,
            containers: pod.containers, podPullSecrets: pod.pullSecrets, serviceAccount: account,
            secrets: namespace.secrets.filter { list.contains($0.key) },
            otherPullSecrets: pullSecrets.filter { !list.contains($0.key) }, owner: pod.owner, now: scan.now)
        input.kubeletVersion = scan.kubeletVersion
        input.injectionOffers = namespace.injectionOffers
        let diagnosis = PullDiagnoser.diagnose(input)
        var findings: [ScanFinding] = []
        func add(_ finding: DiagnosisFinding, severity: ScanFinding.Severity, container: String? = nil) {
            findings.append(ScanFinding(
                code: finding.code, severity: severity, namespace: namespace.name, object: pod.object,
                message: (container.map { "container \($0): " } ?? "") + finding.message, affects: [], fix: finding.fix))
        }
        for finding in diagnosis.findings where !secretLevelCodes.contains(finding.code) {
            if finding.severity == .problem {
                add(finding, severity: .error)
            } else if referenceCodes.contains(finding.code) {
                add(finding, severity: .warning)
            }
        }
        for image in diagnosis.images where image.status == .problem {
            for finding in image.findings where finding.severity == .problem && !secretLevelCodes.contains(finding.code) {
                add(finding, severity: .error, container: image.label)
            }
        }
        return findings
    }

    // MARK: leftovers

    private static func unreferenced(_ namespace: ClusterScanInput.Namespace, pullSecrets: [String: ObservedPullSecret]) -> [ScanFinding] {
        var referenced = Set(namespace.serviceAccounts.values.flatMap { $0 })
        for pod in namespace.pods { referenced.formUnion(pod.pullSecrets) }
        return pullSecrets.keys.sorted().filter { !referenced.contains($0) }.map { name in
            ScanFinding(
                code: "secret-unreferenced", severity: .info, namespace: namespace.name, object: "secret/\(name)",
                message: "no pod, pod template or service account lists pull secret \(name)", affects: [],
                fix: ["kubectl delete secret \(name) -n \(namespace.name)"])
        }
    }
}
