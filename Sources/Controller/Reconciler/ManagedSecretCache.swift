// ManagedSecretCache: the secrets regcred manages, watched by name. One list+watch per secret
// name in use, across all namespaces, with the field selector `metadata.name=NAME` and the
// managed-by label, so that RBAC can grant Secret access by resourceNames and the controller
// never reads a Secret it did not write. Informers start when a ClusterPullSecret first needs a
// name and stop when none does.
import KubernetesClient
import RegcredCore

public actor ManagedSecretCache {
    public typealias Handler = Informer<Secret, CachedManagedSecret>.Handler

    private struct Watch {
        let informer: Informer<Secret, CachedManagedSecret>
        let task: Task<Void, Never>
    }

    private let client: KubeClient
    private var watches: [String: Watch] = [:]
    private var handlers: [Handler] = []

    public init(client: KubeClient) {
        self.client = client
    }

    /// Handlers get the events of every name, current and future. Register before `watch`.
    public func addHandler(_ handler: @escaping Handler) async {
        handlers.append(handler)
        for watch in watches.values { await watch.informer.addHandler(handler) }
    }

    /// Watches `names` (starting what is not watched yet) and waits until each has listed once.
    /// Returns the names whose list failed, with why (typically 403: RBAC does not grant that
    /// name); their informers keep retrying, so a fixed RBAC rule is picked up.
    public func watch(_ names: some Sequence<String>) async -> [String: any Error] {
        var started: [(String, Informer<Secret, CachedManagedSecret>)] = []
        for name in Set(names) {
            if let existing = watches[name] {
                started.append((name, existing.informer))
                continue
            }
            let informer = Informer(
                client.resourceInAllNamespaces(Secret.self),
                labelSelector: LabelQuery([.equals(ManagedObjectMarkers.managedByLabel, ManagedObjectMarkers.managedByValue)]),
                fieldSelector: FieldSelector.name(name),
                transform: CachedManagedSecret.init)
            for handler in handlers { await informer.addHandler(handler) }
            watches[name] = Watch(informer: informer, task: Task { await informer.run() })
            started.append((name, informer))
        }
        var failed: [String: any Error] = [:]
        for (name, informer) in started {
            if let error = await informer.firstListOutcome() { failed[name] = error }
        }
        return failed
    }

    /// Stops watching every name not in `needed`.
    public func retain(only needed: Set<String>) {
        for (name, watch) in watches where !needed.contains(name) {
            watch.task.cancel()
            watches[name] = nil
        }
    }

    /// Keeps the watches alive while the caches run, and stops them when this task is cancelled.
    public func run() async {
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        retain(only: [])
    }

    /// The secret named `name` in each of `namespaces`, where one is cached.
    public func secrets(named name: String, inNamespaces namespaces: some Sequence<String>) async -> [CachedManagedSecret] {
        guard let informer = watches[name]?.informer else { return [] }
        return await informer.objects(forKeys: namespaces.map { ObjectKey(namespace: $0, name: name) })
    }

    /// Some cached secret, of any name (benchmarks read its content hash).
    public func anySecret() async -> CachedManagedSecret? {
        for watch in watches.values {
            if let secret = await watch.informer.list().first { return secret }
        }
        return nil
    }

    /// Whether any cached secret named `name` belongs to `owner`.
    public func hasSecrets(named name: String, ownedBy owner: String) async -> Bool {
        guard let informer = watches[name]?.informer else { return false }
        return await informer.containsObject { $0.owner == owner }
    }
}
