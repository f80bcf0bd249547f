// The informers the controller reads instead of the API server: ClusterPullSecrets, namespaces,
// service accounts, the secrets regcred manages (by label, never others), and the source
// secrets in the controller's own namespace. The three caches that grow with the cluster keep
// projections (ClusterCaches.Projection, below), not whole objects.
import KubernetesClient
import Operations
import RegcredCore

public struct ClusterCaches: Sendable {
    public let clusterPullSecrets: Informer<ClusterPullSecret>
    public let namespaces: Informer<Namespace>
    public let serviceAccounts: Informer<ServiceAccount>
    public let managedSecrets: Informer<Secret>
    public let sourceSecrets: Informer<Secret>

    public init(client: KubeClient, controllerNamespace: String) {
        clusterPullSecrets = Informer(client.resource(ClusterPullSecret.self))
        namespaces = Informer(client.resource(Namespace.self), transform: Projection.namespace)
        serviceAccounts = Informer(
            client.resourceInAllNamespaces(ServiceAccount.self), transform: Projection.serviceAccount)
        managedSecrets = Informer(
            client.resourceInAllNamespaces(Secret.self),
            labelSelector: LabelQuery([.equals(ManagedObjectMarkers.managedByLabel, ManagedObjectMarkers.managedByValue)]),
            transform: Projection.managedSecret)
        sourceSecrets = Informer(client.resource(Secret.self, namespace: controllerNamespace))
    }

    /// Runs every informer until the surrounding task is cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await clusterPullSecrets.run() }
            group.addTask { await namespaces.run() }
            group.addTask { await serviceAccounts.run() }
            group.addTask { await managedSecrets.run() }
            group.addTask { await sourceSecrets.run() }
        }
    }

    public func waitUntilSynced() async {
        await clusterPullSecrets.waitUntilSynced()
        await namespaces.waitUntilSynced()
        await serviceAccounts.waitUntilSynced()
        await managedSecrets.waitUntilSynced()
        await sourceSecrets.waitUntilSynced()
    }

    public var hasSynced: Bool {
        get async {
            let flags = [
                await clusterPullSecrets.hasSynced, await namespaces.hasSynced, await serviceAccounts.hasSynced,
                await managedSecrets.hasSynced, await sourceSecrets.hasSynced,
            ]
            return flags.allSatisfy { $0 }
        }
    }
}

extension ClusterCaches {
    /// What the informers keep of each namespace, service account and managed secret: only the
    /// fields the reconciler and the executor read. At 10,000 namespaces the whole objects (every
    /// unknown field kept as a JSON tree for round-tripping, managedFields, status …) were most of
    /// the controller's memory. A projected object is a view for reading, never a body to PUT:
    /// the executor patches only the fields regcred owns (see ActionExecutor).
    enum Projection {
        /// Name, labels and annotations (selection and opt-out), phase and deletionTimestamp
        /// (terminating), uid and resourceVersion (the store's change detection).
        @Sendable static func namespace(_ namespace: Namespace) -> Namespace {
            var projected = Namespace(metadata: identity(of: namespace.metadata, labels: namespace.metadata.labels,
                                                         annotations: namespace.metadata.annotations))
            projected.metadata.deletionTimestamp = namespace.metadata.deletionTimestamp
            projected.phase = namespace.phase
            return projected
        }

        /// `imagePullSecrets` and the annotation saying which entries regcred added; the
        /// resourceVersion is the optimistic lock of the imagePullSecrets patch.
        @Sendable static func serviceAccount(_ account: ServiceAccount) -> ServiceAccount {
            let ours = account.metadata.annotations.filter { $0.key == ManagedObjectMarkers.attachedAnnotation }
            return ServiceAccount(metadata: identity(of: account.metadata, labels: [:], annotations: ours),
                                  imagePullSecrets: account.imagePullSecrets.map { LocalObjectReference(name: $0.name) })
        }

        /// Labels (ownership), annotations (content hash), type and data (drift detection), the
        /// resourceVersion and uid (preconditions of patch and delete).
        @Sendable static func managedSecret(_ secret: Secret) -> Secret {
            Secret(metadata: identity(of: secret.metadata, labels: secret.metadata.labels, annotations: secret.metadata.annotations),
                   type: secret.type, data: secret.data)
        }

        private static func identity(of metadata: ObjectMeta, labels: [String: String], annotations: [String: String]) -> ObjectMeta {
            var projected = ObjectMeta(name: metadata.name, namespace: metadata.namespace, labels: labels, annotations: annotations)
            projected.uid = metadata.uid
            projected.resourceVersion = metadata.resourceVersion
            return projected
        }
    }
}
