// ResourceClient: the typed verbs on one resource in one namespace (or cluster-wide): get,
// list/listAll, create, update, updateStatus, patch, apply, delete and watch.
import Foundation
import RegcredCore

public struct ResourceClient<Object: KubernetesObject>: Sendable {
    public let client: KubeClient
    public let resource: Resource
    /// `nil`: cluster-scoped resource, or a namespaced one across all namespaces (list/watch).
    public let namespace: String?

    public init(client: KubeClient, resource: Resource, namespace: String?) {
        self.client = client
        self.resource = resource
        self.namespace = namespace
    }

    public func get(_ name: String) async throws -> Object {
        let response = try await client.send(KubeRequest(
            verb: .get, method: .GET, path: try objectPath(name), operation: operation("get", name)))
        return try decode(response, operation: operation("get", name))
    }

    /// One page. Follow `continueToken` (or use `listAll`) for the rest.
    public func list(_ options: ListOptions = ListOptions()) async throws -> ObjectList<Object> {
        let response = try await client.send(KubeRequest(
            verb: .list, method: .GET, path: resource.path(namespace: namespace), query: options.queryItems,
            operation: operation("list", nil)))
        do { return try ObjectList(json: try response.json(operation: operation("list", nil))) } catch let error as ResourceDecodingError {
            throw KubeAPIError(reason: .unexpectedResponse, code: response.status, operation: operation("list", nil),
                               message: "the server's list is not a \(resource.kind)List: \(error)")
        }
    }

    /// Every page, following `continue` tokens; the result's resourceVersion is the first page's
    /// (a paginated list is a consistent snapshot at that version). When a continue token
    /// outlives the server's history (410 Expired), falls back to one unpaginated list, as
    /// client-go's pager does: the only way left to a consistent result.
    public func listAll(_ options: ListOptions = ListOptions(), pageSize: Int = 500) async throws -> ObjectList<Object> {
        let (items, metadata) = try await listAll(options, pageSize: pageSize, keeping: { $0 })
        return ObjectList(metadata: metadata, items: items)
    }

    /// `listAll`, keeping of each object only what `keep` returns, applied to each page as it
    /// arrives, so only one page of whole objects is alive at a time.
    public func listAll<Kept: Sendable>(
        _ options: ListOptions = ListOptions(), pageSize: Int = 500, keeping keep: @escaping @Sendable (Object) -> Kept
    ) async throws -> (items: [Kept], metadata: ListMeta) {
        var items: [Kept] = []
        var metadata = ListMeta()
        for try await page in pages(options, pageSize: pageSize, keeping: keep) {
            if page.restarted { items = [] }
            items += page.items
            metadata = page.metadata
        }
        return (items, metadata)
    }

    public func create(_ object: Object, options: WriteOptions = WriteOptions()) async throws -> Object {
        let ns = try namespace(for: object)
        let what = object.metadata.name ?? object.metadata.generateName.map { "\($0)*" }
        let request = KubeRequest(
            verb: .create, method: .POST, path: resource.path(namespace: ns), query: options.queryItems,
            body: body(object, namespace: ns), operation: operation("create", what, namespace: ns))
        return try decode(try await client.send(request), operation: request.operation)
    }

    /// Replaces the object. Its `metadata.resourceVersion` makes the update conditional: a stale
    /// one fails with Conflict (reason `.conflict`) instead of overwriting someone's change.
    public func update(_ object: Object, options: WriteOptions = WriteOptions()) async throws -> Object {
        try await put(object, subresource: nil, options: options)
    }

    /// Writes the status subresource (spec changes are ignored by the server).
    public func updateStatus(_ object: Object, options: WriteOptions = WriteOptions()) async throws -> Object {
        try await put(object, subresource: "status", options: options)
    }

    public func patch(_ name: String, _ patch: Patch, subresource: String? = nil, options: WriteOptions = WriteOptions()) async throws -> Object {
        var query = options.queryItems
        if case .apply(_, let fieldManager, let force) = patch {
            query.removeAll { $0.name == "fieldManager" }
            query.append(("fieldManager", fieldManager))
            if force { query.append(("force", "true")) }
        }
        let request = KubeRequest(
            verb: .patch, method: .PATCH, path: try objectPath(name, subresource: subresource), query: query,
            body: patch.body.encoded(), contentType: patch.contentType, operation: operation("patch", name))
        return try decode(try await client.send(request), operation: request.operation)
    }

    /// Server-side apply of `object` as `fieldManager`'s intent (creates it when missing).
    public func apply(_ object: Object, fieldManager: String, force: Bool = false, dryRun: Bool = false) async throws -> Object {
        guard let name = object.metadata.name else { throw missingName("apply") }
        let ns = try namespace(for: object)
        return try await ResourceClient(client: client, resource: resource, namespace: ns)
            .patch(name, .apply(applyIntent(object, namespace: ns), fieldManager: fieldManager, force: force),
                   options: WriteOptions(dryRun: dryRun))
    }

    /// The body of a server-side apply: the object with its type, without `managedFields`
    /// (the server rejects an apply that carries them, and an object read back has them).
    func applyIntent(_ object: Object, namespace: String?) -> JSONValue {
        var intent = withTypeInfo(object.json, namespace: namespace)
        if case .object(var metadata)? = intent["metadata"] {
            metadata.removeValue(forKey: "managedFields")
            intent["metadata"] = .object(metadata)
        }
        return intent
    }

    /// Deletes; returns once the server accepted (finalizers may keep the object a while).
    public func delete(_ name: String, options: DeleteOptions = DeleteOptions()) async throws {
        _ = try await client.send(KubeRequest(
            verb: .delete, method: .DELETE, path: try objectPath(name), query: options.dryRun ? [("dryRun", "All")] : [],
            body: options.json.encoded(), operation: operation("delete", name)))
    }

    // MARK: building blocks

    private func put(_ object: Object, subresource: String?, options: WriteOptions) async throws -> Object {
        guard let name = object.metadata.name else { throw missingName("update") }
        let ns = try namespace(for: object)
        let verb = subresource == nil ? "update" : "update \(subresource!) of"
        let request = KubeRequest(
            verb: .update, method: .PUT, path: resource.path(namespace: ns, name: name, subresource: subresource),
            query: options.queryItems, body: body(object, namespace: ns), operation: operation(verb, name, namespace: ns))
        return try decode(try await client.send(request), operation: request.operation)
    }

    func objectPath(_ name: String, subresource: String? = nil) throws -> String {
        if resource.namespaced, namespace == nil {
            throw KubeAPIError(reason: .badRequest, code: nil, operation: operation("access", name),
                               message: "\(resource) is namespaced; choose a namespace")
        }
        guard !name.isEmpty else { throw missingName("access") }
        return resource.path(namespace: namespace, name: name, subresource: subresource)
    }

    /// This client's namespace, or the object's own when the client spans all namespaces.
    private func namespace(for object: Object) throws -> String? {
        guard resource.namespaced else { return nil }
        if let namespace { return namespace }
        if let own = object.metadata.namespace { return own }
        throw KubeAPIError(reason: .badRequest, code: nil, operation: operation("write", object.metadata.name),
                           message: "\(resource) is namespaced; set metadata.namespace or choose a namespace")
    }

    /// The server needs apiVersion and kind in the body; typed values may not carry them.
    private func withTypeInfo(_ json: JSONValue, namespace: String?) -> JSONValue {
        var json = json
        if json["apiVersion"] == nil { json["apiVersion"] = .string(resource.apiVersion) }
        if json["kind"] == nil { json["kind"] = .string(resource.kind) }
        if let namespace, json["metadata"]?["namespace"] == nil { json["metadata"]?["namespace"] = .string(namespace) }
        return json
    }

    private func body(_ object: Object, namespace: String?) -> Data {
        withTypeInfo(object.json, namespace: namespace).encoded()
    }

    func decode(_ response: KubeResponse, operation: String) throws -> Object {
        do { return try Object(json: try response.json(operation: operation)) } catch let error as ResourceDecodingError {
            throw KubeAPIError(reason: .unexpectedResponse, code: response.status, operation: operation,
                               message: "the server's answer is not a \(resource.kind): \(error)")
        }
    }

    func operation(_ verb: String, _ name: String?, namespace ns: String? = nil) -> String {
        let scope = ns ?? namespace
        let target = [scope, name].compactMap { $0 }.joined(separator: "/")
        return target.isEmpty ? "\(verb) \(resource)" : "\(verb) \(resource) \(target)"
    }

    private func missingName(_ verb: String) -> KubeAPIError {
        KubeAPIError(reason: .badRequest, code: nil, operation: "\(verb) \(resource)", message: "metadata.name is required")
    }
}
