// The sandbox's stand-ins for kube-controller-manager's namespace work: a new namespace gets its
// `default` ServiceAccount after a delay, and a Terminating namespace has its content deleted,
// then its finalizers released, then the namespace itself removed.
import RegcredCore

extension ObjectStore {
    func scheduleDefaultServiceAccount(_ namespace: String) {
        guard let delay = settings.defaultServiceAccountDelay else { return }
        Task { [weak self] in
            try? await Task.sleep(for: delay)
            await self?.createDefaultServiceAccount(namespace)
        }
    }

    private func createDefaultServiceAccount(_ namespace: String) {
        let sa = ResourceRegistry.serviceAccounts
        guard storages["serviceaccounts"]?.objects[ObjectKey(namespace: namespace, name: "default")] == nil else { return }
        _ = try? create(sa, namespace: namespace, body: .object(["metadata": .object(["name": .string("default")])]), dryRun: false)
    }

    func scheduleNamespaceFinalization(_ namespace: String) {
        let delay = settings.namespaceFinalizeDelay
        Task { [weak self] in
            while true {
                try? await Task.sleep(for: delay)
                guard let self, await self.finalizeNamespaceStep(namespace) == false else { return }
            }
        }
    }

    /// One pass of the namespace controller: delete the content, then the namespace once it is
    /// empty and its own finalizers are gone. Returns true when nothing is left to do.
    private func finalizeNamespaceStep(_ namespace: String) -> Bool {
        let nsKey = ObjectKey(namespace: "", name: namespace)
        guard var namespaceObject = storages["namespaces"]?.objects[nsKey] else { return true }
        var remaining = 0
        for type in registry.types where type.namespaced && type.storageKey == type.qualifiedName {
            let keys = storage(type).objects.keys.filter { $0.namespace == namespace }
            for key in keys {
                remaining += 1
                _ = try? delete(type, namespace: namespace, name: key.name, options: DeleteOptions())
            }
        }
        if remaining > 0 { return false }
        // The namespace controller's own `kubernetes` finalizer (spec.finalizers) is released here.
        if !(namespaceObject["spec"]?["finalizers"]?.arrayValue ?? []).isEmpty {
            let previous = namespaceObject
            namespaceObject["spec"]?["finalizers"] = nil
            let version = bump()
            namespaceObject["metadata"]?["resourceVersion"] = .string(String(version))
            write(ResourceRegistry.namespaces, key: nsKey, object: namespaceObject, change: .modified, previous: previous, version: version)
        }
        if !(namespaceObject["metadata"]?["finalizers"]?.arrayValue ?? []).isEmpty { return false }
        let version = bump()
        var deleted = namespaceObject
        deleted["metadata"]?["resourceVersion"] = .string(String(version))
        write(ResourceRegistry.namespaces, key: nsKey, object: nil, change: .deleted, previous: namespaceObject,
              version: version, deletedObject: deleted)
        return true
    }
}
