// What the controller's informers keep of the objects that grow with the cluster: namespaces,
// service accounts and the secrets regcred manages. Each is a small value holding only what the
// planner and the executor read: at 10,000 namespaces whole objects (every unknown field kept
// for round-tripping, managedFields, the secret bytes) were most of the controller's memory.
// They are views for reading, never bodies to write back: the executor patches only the fields
// regcred owns (see ActionExecutor).
import Foundation
import KubernetesClient
import RegcredCore

/// A namespace: enough to decide whether it is served.
public struct CachedNamespace: CacheableObject, Equatable {
    public var name: String
    public var labels: [String: String]
    /// Only regcred's opt-out annotation; no other is read.
    public var annotations: [String: String]
    public var isTerminating: Bool
    public var resourceVersion: String?
    /// Not kept: a namespace deleted and created again arrives with a new resourceVersion.
    public var uid: String? { nil }

    public init(_ namespace: Namespace) {
        name = namespace.metadata.name ?? ""
        labels = namespace.metadata.labels
        annotations = namespace.metadata.annotations.filter { $0.key == ManagedObjectMarkers.excludeAnnotation }
        isTerminating = namespace.phase == "Terminating" || namespace.metadata.deletionTimestamp != nil
        resourceVersion = namespace.metadata.resourceVersion
    }

    public var cacheKey: ObjectKey { ObjectKey(namespace: nil, name: name) }

    var observed: ObservedNamespace {
        ObservedNamespace(name: name, labels: labels, annotations: annotations, isTerminating: isTerminating)
    }
}

/// A service account: its `imagePullSecrets` and regcred's record of which entries it added.
public struct CachedServiceAccount: CacheableObject, Equatable {
    public var namespace: String
    public var name: String
    public var imagePullSecrets: [String]
    /// The attached-secrets annotation (`ManagedObjectMarkers.attachedAnnotation`).
    public var attachedSecrets: String?
    /// The optimistic lock of the `imagePullSecrets` patch.
    public var resourceVersion: String?
    public var uid: String? { nil }

    public init(_ account: ServiceAccount) {
        namespace = account.metadata.namespace ?? ""
        name = account.metadata.name ?? ""
        imagePullSecrets = account.imagePullSecrets.map(\.name)
        attachedSecrets = account.metadata.annotations[ManagedObjectMarkers.attachedAnnotation]
        resourceVersion = account.metadata.resourceVersion
    }

    public var cacheKey: ObjectKey { ObjectKey(namespace: namespace, name: name) }

    var observed: ObservedServiceAccount {
        ObservedServiceAccount(
            name: name, imagePullSecrets: imagePullSecrets,
            annotations: attachedSecrets.map { [ManagedObjectMarkers.attachedAnnotation: $0] } ?? [:],
            resourceVersion: resourceVersion ?? "")
    }
}

/// A secret carrying regcred's managed-by label: ownership, the content-hash annotation, and a
/// digest of the pull secret instead of its bytes.
public struct CachedManagedSecret: CacheableObject, Equatable {
    public var namespace: String
    public var name: String
    public var type: String?
    public var isManagedByRegcred: Bool
    /// The `regcred.dev/owner` label: the ClusterPullSecret it belongs to.
    public var owner: String?
    /// The content-hash annotation, if it holds a digest.
    public var contentHash: ContentDigest?
    /// The data keys (an update removes all but `.dockerconfigjson`).
    public var dataKeys: [String]
    public var dockerConfigDigest: ContentDigest?
    /// `immutable: true`: its data can only change by deleting and creating it again.
    public var isImmutable: Bool
    public var resourceVersion: String?
    /// A precondition of delete, with the resourceVersion.
    public var uid: String?

    public init(_ secret: Secret) {
        let format = DockerConfigFormat.dockerConfigJSON
        namespace = secret.metadata.namespace ?? ""
        name = secret.metadata.name ?? ""
        // The literal, not the decoded copy: one string for all 10,000 secrets.
        type = secret.type == format.secretType ? format.secretType : secret.type
        isManagedByRegcred = secret.metadata.labels[ManagedObjectMarkers.managedByLabel] == ManagedObjectMarkers.managedByValue
        owner = secret.metadata.labels[ManagedObjectMarkers.ownerLabel]
        contentHash = secret.metadata.annotations[ManagedObjectMarkers.contentHashAnnotation].flatMap(ContentDigest.init(hex:))
        dataKeys = secret.data.count == 1 && secret.data[format.secretKey] != nil ? Self.pullSecretKeyOnly : secret.data.keys.sorted()
        dockerConfigDigest = secret.data[format.secretKey].map(ContentDigest.init(of:))
        isImmutable = secret.immutable == true
        resourceVersion = secret.metadata.resourceVersion
        uid = secret.metadata.uid
    }

    /// Shared by every secret holding just the pull secret key, rather than an array each.
    private static let pullSecretKeyOnly = [DockerConfigFormat.dockerConfigJSON.secretKey]

    public var cacheKey: ObjectKey { ObjectKey(namespace: namespace, name: name) }

    var observed: ObservedSecret {
        var labels: [String: String] = [:]
        if isManagedByRegcred { labels[ManagedObjectMarkers.managedByLabel] = ManagedObjectMarkers.managedByValue }
        if let owner { labels[ManagedObjectMarkers.ownerLabel] = owner }
        return ObservedSecret(
            name: name, type: type ?? "Opaque", labels: labels,
            annotations: contentHash.map { [ManagedObjectMarkers.contentHashAnnotation: $0.hex] } ?? [:],
            dockerConfigDigest: dockerConfigDigest, isImmutable: isImmutable, resourceVersion: resourceVersion ?? "")
    }
}
