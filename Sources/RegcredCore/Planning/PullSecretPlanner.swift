// PullSecretPlanner: the controller's decisions for one namespace, as a pure function of what
// is desired and what was observed. The controller executes the actions; nothing here does I/O.
import Foundation

/// What one ClusterPullSecret wants in every namespace it serves.
public struct DesiredPullSecret: Hashable, Sendable {
    public var owner: String
    public var secretName: String
    /// The `.dockerconfigjson` to write; nil while the source has never produced a credential,
    /// in which case nothing is created or overwritten (a broken credential never replaces a working one).
    public var content: Data? {
        didSet { contentDigest = content.map(ContentDigest.init(of:)) }
    }
    public var scope: NamespaceScope
    public var serviceAccounts: ServiceAccountSelection
    /// The ClusterPullSecret is being deleted: remove what it wrote everywhere.
    public var isBeingDeleted: Bool
    /// Earlier `spec.secretName`s whose secrets are still to be removed everywhere.
    public var retiredSecretNames: [String]
    public let labels: [String: String]
    /// The digest of `content`, computed once per content rather than once per namespace.
    public private(set) var contentDigest: ContentDigest? {
        didSet { annotations = Self.annotations(for: contentDigest) }
    }
    /// The content-hash annotation.
    public private(set) var annotations: [String: String]

    public init(
        owner: String, secretName: String, content: Data?, scope: NamespaceScope = NamespaceScope(),
        serviceAccounts: ServiceAccountSelection = .default, isBeingDeleted: Bool = false, retiredSecretNames: [String] = []
    ) {
        self.retiredSecretNames = retiredSecretNames
        self.owner = owner
        self.secretName = secretName
        self.content = content
        self.scope = scope
        self.serviceAccounts = serviceAccounts
        self.isBeingDeleted = isBeingDeleted
        self.labels = ManagedObjectMarkers.labels(owner: owner)
        let digest = content.map(ContentDigest.init(of:))
        self.contentDigest = digest
        self.annotations = Self.annotations(for: digest)
    }

    static func annotations(for digest: ContentDigest?) -> [String: String] {
        guard let digest else { return [:] }
        return [ManagedObjectMarkers.contentHashAnnotation: digest.hex]
    }
}

public enum PlannedAction: Hashable, Sendable {
    case createSecret(namespace: String, name: String)
    /// Rewrite data, labels and the hash annotation of a secret regcred owns.
    case updateSecret(namespace: String, name: String, resourceVersion: String)
    /// The type (or, for an immutable secret, the data) cannot change: delete and create again.
    case recreateSecret(namespace: String, name: String, resourceVersion: String)
    case deleteSecret(namespace: String, name: String, resourceVersion: String)
    /// Add the secret to the service account's `imagePullSecrets` (read-modify-update).
    case attach(namespace: String, serviceAccount: String, secret: String)
    /// Remove the secret from `imagePullSecrets`, only if regcred added it.
    case detach(namespace: String, serviceAccount: String, secret: String)
}

/// The planner's answer for one namespace.
public struct NamespacePlan: Hashable, Sendable {
    public var namespace: String
    public var decision: NamespaceScope.Decision
    public var actions: [PlannedAction]
    /// Why this namespace cannot be served (a same-named secret regcred does not own).
    public var conflict: String?
}

public enum PullSecretPlanner {
    /// `secret` is the secret named `desired.secretName` in the namespace, if any; `retired` are
    /// the other secrets there that the owner label says are this ClusterPullSecret's (written
    /// under an earlier `spec.secretName`): they and their service-account entries are removed.
    public static func plan(
        _ desired: DesiredPullSecret, namespace: ObservedNamespace, secret: ObservedSecret?,
        serviceAccounts: [ObservedServiceAccount], retired: [ObservedSecret] = []
    ) -> NamespacePlan {
        let decision = desired.isBeingDeleted ? .excluded(reason: "the ClusterPullSecret is being deleted") : desired.scope.decide(namespace)
        let ns = namespace.name
        let owned = secret.map { isOwned($0, by: desired.owner) } ?? false
        var plan = NamespacePlan(namespace: ns, decision: decision, actions: [], conflict: nil)

        if case .terminating = decision { return plan }
        // Entries first, then the secret: a pod admitted in between never names a missing secret
        // that regcred is about to delete, and a failed detach leaves the secret to retry from.
        for old in retired.sorted(by: { $0.name < $1.name }) where old.name != desired.secretName && isOwned(old, by: desired.owner) {
            plan.actions += detachAll(old.name, namespace: ns, serviceAccounts: serviceAccounts)
            plan.actions.append(.deleteSecret(namespace: ns, name: old.name, resourceVersion: old.resourceVersion))
        }

        switch decision {
        case .terminating:
            return plan
        case .excluded:
            // An entry for a secret another ClusterPullSecret owns is that one's, even if the
            // attached-secrets annotation lists the name (two ClusterPullSecrets, one secretName).
            if secret == nil || owned {
                plan.actions += detachAll(desired.secretName, namespace: ns, serviceAccounts: serviceAccounts)
            }
            if let secret, owned {
                plan.actions.append(.deleteSecret(namespace: ns, name: secret.name, resourceVersion: secret.resourceVersion))
            }
            return plan
        case .selected:
            break
        }

        if let secret, !owned {
            plan.conflict = conflictReason(secret, namespace: ns, owner: desired.owner)
            return plan
        }
        let secretWillExist: Bool
        switch (secret, desired.content) {
        case (nil, nil):
            secretWillExist = false
        case (nil, .some):
            plan.actions.append(.createSecret(namespace: ns, name: desired.secretName))
            secretWillExist = true
        case (let existing?, let content):
            secretWillExist = true
            if content != nil {
                if existing.type != DockerConfigFormat.dockerConfigJSON.secretType
                    || (existing.isImmutable && existing.dockerConfigDigest != desired.contentDigest)
                {
                    // Type and the data of an immutable secret cannot change in place.
                    plan.actions.append(.recreateSecret(namespace: ns, name: existing.name, resourceVersion: existing.resourceVersion))
                } else if !isCurrent(existing, desired: desired) {
                    plan.actions.append(.updateSecret(namespace: ns, name: existing.name, resourceVersion: existing.resourceVersion))
                }
            }
        }
        for account in serviceAccounts.sorted(by: { $0.name < $1.name }) {
            let wanted = secretWillExist && desired.serviceAccounts.includes(account.name)
            if wanted, !account.imagePullSecrets.contains(desired.secretName) {
                plan.actions.append(.attach(namespace: ns, serviceAccount: account.name, secret: desired.secretName))
            } else if !wanted, account.attachedByRegcred.contains(desired.secretName),
                account.imagePullSecrets.contains(desired.secretName)
            {
                plan.actions.append(.detach(namespace: ns, serviceAccount: account.name, secret: desired.secretName))
            }
        }
        return plan
    }

    static func isOwned(_ secret: ObservedSecret, by owner: String) -> Bool {
        secret.labels[ManagedObjectMarkers.managedByLabel] == ManagedObjectMarkers.managedByValue
            && secret.labels[ManagedObjectMarkers.ownerLabel] == owner
    }

    static func isCurrent(_ secret: ObservedSecret, desired: DesiredPullSecret) -> Bool {
        secret.dockerConfigDigest == desired.contentDigest
            && desired.labels.allSatisfy { secret.labels[$0.key] == $0.value }
            && desired.annotations.allSatisfy { secret.annotations[$0.key] == $0.value }
    }

    static func conflictReason(_ secret: ObservedSecret, namespace: String, owner: String) -> String {
        if secret.labels[ManagedObjectMarkers.managedByLabel] == ManagedObjectMarkers.managedByValue,
            let other = secret.labels[ManagedObjectMarkers.ownerLabel]
        {
            return "secret \(namespace)/\(secret.name) belongs to ClusterPullSecret \(other); give one of them another spec.secretName"
        }
        return "secret \(namespace)/\(secret.name) exists and is not managed by regcred; regcred never changes it: delete it, or set another spec.secretName"
    }

    private static func detachAll(_ secret: String, namespace: String, serviceAccounts: [ObservedServiceAccount]) -> [PlannedAction] {
        serviceAccounts.sorted(by: { $0.name < $1.name })
            .filter { $0.attachedByRegcred.contains(secret) && $0.imagePullSecrets.contains(secret) }
            .map { .detach(namespace: namespace, serviceAccount: $0.name, secret: secret) }
    }
}
