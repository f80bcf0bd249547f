// The informers the controller reads instead of the API server: ClusterPullSecrets, namespaces,
// service accounts, the secrets regcred manages (by name, ManagedSecretCache: never others),
// and the source secrets in the controller's own namespace. The three caches that grow with the cluster keep
// small values (CachedObjects.swift), not whole objects.
import KubernetesClient
import Operations
import RegcredCore

public struct ClusterCaches: Sendable {
    public let clusterPullSecrets: Informer<ClusterPullSecret, ClusterPullSecret>
    public let namespaces: Informer<Namespace, CachedNamespace>
    public let serviceAccounts: Informer<ServiceAccount, CachedServiceAccount>
    public let managedSecrets: ManagedSecretCache
    public let sourceSecrets: Informer<Secret, Secret>

    /// `selector` limits the controller to the ClusterPullSecrets it matches (several controller
    /// deployments can split a large cluster; each test scopes its own controller).
    public init(client: KubeClient, controllerNamespace: String, selector: LabelQuery? = nil) {
        clusterPullSecrets = Informer(client.resource(ClusterPullSecret.self), labelSelector: selector.flatMap { $0.isEmpty ? nil : $0 })
        namespaces = Informer(client.resource(Namespace.self), transform: CachedNamespace.init)
        serviceAccounts = Informer(client.resourceInAllNamespaces(ServiceAccount.self), transform: CachedServiceAccount.init)
        managedSecrets = ManagedSecretCache(client: client)
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

    /// The caches every pass reads. Managed secrets are watched per name, and a pass waits for
    /// the names it needs (`ManagedSecretCache.watch`).
    public func waitUntilSynced() async {
        await clusterPullSecrets.waitUntilSynced()
        await namespaces.waitUntilSynced()
        await serviceAccounts.waitUntilSynced()
        await sourceSecrets.waitUntilSynced()
    }

    public var hasSynced: Bool {
        get async {
            let flags = [
                await clusterPullSecrets.hasSynced, await namespaces.hasSynced, await serviceAccounts.hasSynced,
                await sourceSecrets.hasSynced,
            ]
            return flags.allSatisfy { $0 }
        }
    }
}
