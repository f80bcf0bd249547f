// MutatingAdmission: where the API handler meets the webhook dispatcher on create. It reads
// what the dispatcher needs from the store (the MutatingWebhookConfigurations, by name; the
// namespace's labels) and leaves every request the real server would refuse before mutating
// admission (namespace mismatch, missing or terminating namespace) to the store's own errors.
import RegcredCore

struct MutatingAdmission: Sendable {
    let store: ObjectStore
    let registry: ResourceRegistry
    let dispatcher: MutatingWebhookDispatcher

    init(store: ObjectStore, registry: ResourceRegistry, services: [KubeSandbox.WebhookService: String]) {
        self.store = store
        self.registry = registry
        let client = WebhookClient(services: services)
        self.dispatcher = MutatingWebhookDispatcher { review, hook in await client.outcome(of: review, to: hook) }
    }

    /// Pods only: the one kind whose creation the sandbox sends to webhooks.
    func admitCreate(_ request: MutatingWebhookDispatcher.Request) async throws(APIError) -> MutatingWebhookDispatcher.Outcome {
        let unchanged = MutatingWebhookDispatcher.Outcome(object: request.object, warnings: [])
        guard request.type.group.isEmpty, request.type.plural == "pods", case .object = request.object,
              let configurationType = registry.types.first(where: WebhookConfigurationValidation.applies) else { return unchanged }
        let bodyNamespace = request.object["metadata"]?["namespace"]?.stringValue ?? ""
        if !bodyNamespace.isEmpty && bodyNamespace != request.namespace { return unchanged }
        // NamespaceLifecycle runs before the webhooks and refuses these; the store words it.
        guard let namespace = try? await store.get(ResourceRegistry.namespaces, namespace: nil, name: request.namespace),
              namespace["metadata"]?["deletionTimestamp"] == nil else { return unchanged }

        let everything = WatchFilter(namespace: nil, labels: try LabelSelector(parsing: ""),
                                     fields: try FieldSelector(parsing: "", type: configurationType))
        let configurations = try await store.list(configurationType, filter: everything, limit: nil, continueToken: nil).items
            .sorted { ($0["metadata"]?["name"]?.stringValue ?? "") < ($1["metadata"]?["name"]?.stringValue ?? "") }
        let hooks = configurations.flatMap(MutatingWebhook.all)
        return try await dispatcher.admit(request, hooks: hooks, namespaceLabels: MetaLabelSelector.labels(of: namespace))
    }
}
