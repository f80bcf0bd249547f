// ObjectStore: the sandbox's etcd and registry in one actor. It owns every object, the global
// resourceVersion counter, per-resource change history and the open watches, and applies the
// API server's write semantics (metadata defaults, validation, optimistic concurrency,
// finalizers, namespace lifecycle) so that the HTTP layer only parses and encodes.
import Foundation
import RegcredCore

actor ObjectStore {
    struct Settings: Sendable {
        var defaultServiceAccountDelay: Duration?
        var watchHistoryWindow: Int
        var bookmarkInterval: Duration
        /// Delay between a namespace turning Terminating and its content being removed.
        var namespaceFinalizeDelay: Duration = .milliseconds(20)
    }

    let registry: ResourceRegistry
    let settings: Settings
    private(set) var resourceVersion = 100
    // Internal rather than private: the watch and namespace-lifecycle extensions (other files) use them.
    var storages: [String: ResourceStorage] = [:]
    var watchers: [Int: Watcher] = [:]
    var nextWatcherID = 0
    var goneOnNextWatch = false

    struct Watcher {
        var type: ResourceType
        var filter: WatchFilter
        var continuation: AsyncStream<JSONValue>.Continuation
    }

    init(registry: ResourceRegistry, settings: Settings) {
        self.registry = registry
        self.settings = settings
    }

    /// The namespaces a fresh cluster has, each with its `default` ServiceAccount.
    func bootstrap() {
        for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            _ = try? create(ResourceRegistry.namespaces, namespace: nil,
                            body: .object(["metadata": .object(["name": .string(name)])]), dryRun: false)
        }
    }

    // MARK: reads

    func get(_ type: ResourceType, namespace: String?, name: String) throws(APIError) -> JSONValue {
        guard let stored = storage(type).objects[ObjectKey(namespace: namespace ?? "", name: name)] else {
            throw APIError.notFound(type, name)
        }
        return ObjectRepresentation.present(stored, as: type)
    }

    struct ListPage: Sendable {
        var items: [JSONValue]
        var resourceVersion: Int
        var continueToken: String?
        var remaining: Int?
    }

    func list(_ type: ResourceType, filter: WatchFilter, limit: Int?, continueToken: String?) throws(APIError) -> ListPage {
        var listRV = resourceVersion
        var startKey: String?
        let storage = storage(type)
        if let continueToken, !continueToken.isEmpty {
            let token = try ContinueToken(decoding: continueToken)
            if token.resourceVersion > 0 && token.resourceVersion < storage.floor {
                var error = APIError.gone("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
                error.listMeta["continue"] = .string(ContinueToken(resourceVersion: -1, start: token.start).encoded)
                throw error
            }
            if token.resourceVersion > 0 { listRV = token.resourceVersion }
            startKey = token.start
        }
        // Each key's sort string built once, not once per comparison (at 10,000 objects the
        // comparisons' string building dominated every page).
        let sorted = storage.objects.map { (sortKey: $0.key.sortKey, object: $0.value) }.sorted { $0.sortKey < $1.sortKey }
        var items: [JSONValue] = []
        var lastKey: String?
        var index = 0
        if let startKey {
            var low = 0
            var high = sorted.count
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle].sortKey < startKey { low = middle + 1 } else { high = middle }
            }
            index = low
        }
        var more = false
        while index < sorted.count {
            let (sortKey, object) = sorted[index]
            index += 1
            guard filter.matches(object) else { continue }
            if let limit, limit > 0, items.count >= limit {
                more = true
                index -= 1
                break
            }
            items.append(ObjectRepresentation.present(object, as: type))
            lastKey = sortKey
        }
        var page = ListPage(items: items, resourceVersion: listRV)
        if more, let lastKey {
            page.continueToken = ContinueToken(resourceVersion: listRV, start: lastKey + "\u{0}").encoded
            if filter.labels.isEmpty && filter.fields.isEmpty {
                page.remaining = sorted[index...].count(where: { filter.matches($0.object) })
            }
        }
        return page
    }

    // MARK: create

    func create(_ type: ResourceType, namespace: String?, body: JSONValue, dryRun: Bool) throws(APIError) -> JSONValue {
        guard case .object = body else { throw APIError.badRequest("Object 'Kind' is missing in '\(body.encodedString())'") }
        var object = ObjectRepresentation.toStorage(body, from: type)
        var meta = object["metadata"]?.objectValue ?? [:]
        if type.namespaced {
            let bodyNamespace = meta["namespace"]?.stringValue ?? ""
            if !bodyNamespace.isEmpty && bodyNamespace != namespace {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            meta["namespace"] = .string(namespace ?? "")
        } else {
            meta["namespace"] = nil
        }
        if let version = meta["resourceVersion"]?.stringValue, !version.isEmpty {
            throw APIError.badRequest("resourceVersion should not be set on objects to be created")
        }
        var name = meta["name"]?.stringValue ?? ""
        let generateName = meta["generateName"]?.stringValue ?? ""
        if name.isEmpty, !generateName.isEmpty {
            // apiserver's names.SimpleNameGenerator: the prefix cut to 58 bytes, then 5 random characters.
            name = String(decoding: generateName.utf8.prefix(Self.maxGeneratedPrefixLength), as: UTF8.self) + Self.randomSuffix()
            meta["name"] = .string(name)
        }
        if name.isEmpty {
            throw APIError.invalid(type, "", [.required("metadata.name", "name or generateName is required")])
        }
        var errors = NameValidation.validate(name: name, generateName: generateName, type: type)
        if type.namespaced, let namespace {
            let namespaceKey = ObjectKey(namespace: "", name: namespace)
            guard let namespaceObject = storages["namespaces"]?.objects[namespaceKey] else {
                throw APIError.notFound(ResourceRegistry.namespaces, namespace)
            }
            if namespaceObject["metadata"]?["deletionTimestamp"] != nil {
                throw APIError.forbidden(type, name,
                    "unable to create new content in namespace \(namespace) because it is being terminated",
                    causes: [.object(["reason": .string("NamespaceTerminating"),
                                      "message": .string("namespace \(namespace) is being terminated"),
                                      "field": .string("metadata.namespace")])])
            }
        }
        meta["uid"] = .string(UUID().uuidString.lowercased())
        meta["creationTimestamp"] = .string(Self.now())
        meta["deletionTimestamp"] = nil
        meta["deletionGracePeriodSeconds"] = nil
        meta["managedFields"] = nil
        if type.isCustom { meta["generation"] = .integer(1) } else { meta["generation"] = nil }
        object["metadata"] = .object(meta)
        try applyCreateDefaults(type, &object)
        if type.plural == "secrets" { errors += SecretValidation.validate(object) }
        errors += try WebhookConfigurationValidation.prepareForCreate(type, &object)
        if let schema = StructuralSchema.of(type) {
            let (pruned, schemaErrors) = schema.apply(to: object, validating: ["spec"])
            object = pruned
            errors += schemaErrors
            errors += schema.ruleErrors(in: object, validating: ["spec"], after: errors)
        }
        if !errors.isEmpty { throw APIError.invalid(type, name, errors) }

        let key = ObjectKey(namespace: type.namespaced ? namespace ?? "" : "", name: name)
        if storage(type).objects[key] != nil { throw APIError.alreadyExists(type, name) }
        if type.namespaced, let namespace, let refusal = quotaRefusal(creating: name, of: type, in: namespace) { throw refusal }
        if dryRun { return ObjectRepresentation.present(object, as: type) }

        let version = bump()
        object["metadata"]?["resourceVersion"] = .string(String(version))
        write(type, key: key, object: object, change: .added, previous: nil, version: version)
        if type.plural == "namespaces" && type.group.isEmpty { scheduleDefaultServiceAccount(name) }
        return ObjectRepresentation.present(object, as: type)
    }

    private func applyCreateDefaults(_ type: ResourceType, _ object: inout JSONValue) throws(APIError) {
        switch (type.group, type.plural) {
        case ("", "secrets"):
            try SecretValidation.normalize(&object)
        case ("", "namespaces"):
            object["spec"] = .object(["finalizers": .array([.string("kubernetes")])])
            object["status"] = .object(["phase": .string("Active")])
            var labels = object["metadata"]?["labels"]?.objectValue ?? [:]
            labels["kubernetes.io/metadata.name"] = object["metadata"]?["name"]
            object["metadata"]?["labels"] = .object(labels)
        case ("", "pods"):
            if object["status"] == nil { object["status"] = .object(["phase": .string("Pending"), "qosClass": .string("BestEffort")]) }
            if object["spec"]?["serviceAccountName"] == nil { object["spec"]?["serviceAccountName"] = .string("default") }
        default:
            // A status subresource means status is not writable through the main resource.
            if type.isCustom && type.hasStatus { object["status"] = nil }
        }
    }

    // MARK: update

    enum Precondition: Sendable {
        /// Update with the body's resourceVersion (unconditional when empty, except custom resources).
        case fromBody
        /// Patches: conflict only if the patch itself carried a resourceVersion.
        case patch(String?)
    }

    func update(_ type: ResourceType, namespace: String?, name: String, body: JSONValue, subresource: String?,
                dryRun: Bool) throws(APIError) -> JSONValue {
        guard case .object = body else { throw APIError.badRequest("Object 'Kind' is missing in '\(body.encodedString())'") }
        let bodyName = body["metadata"]?["name"]?.stringValue ?? ""
        if bodyName != name {
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        if type.namespaced, let bodyNamespace = body["metadata"]?["namespace"]?.stringValue, !bodyNamespace.isEmpty,
           bodyNamespace != namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        return try replace(type, namespace: namespace, name: name, incoming: ObjectRepresentation.toStorage(body, from: type),
                           precondition: .fromBody, subresource: subresource, dryRun: dryRun)
    }

    func patch(_ type: ResourceType, namespace: String?, name: String, kind: PatchKind, patch: JSONValue,
               subresource: String?, dryRun: Bool) throws(APIError) -> (object: JSONValue, created: Bool) {
        let key = ObjectKey(namespace: type.namespaced ? namespace ?? "" : "", name: name)
        guard let stored = storage(type).objects[key] else {
            if kind == .apply {
                // Server-side apply creates what does not exist yet (managed fields are not tracked).
                var body = patch
                body["metadata"]?["resourceVersion"] = nil
                return (try create(type, namespace: namespace, body: body, dryRun: dryRun), true)
            }
            throw APIError.notFound(type, name)
        }
        let current = ObjectRepresentation.present(stored, as: type)
        var patched: JSONValue
        switch kind {
        case .merge, .apply:
            patched = JSONMergePatch.apply(patch, to: current)
        case .json:
            do { patched = try JSONPatch.apply(patch, to: current) } catch {
                throw APIError(code: 422, reason: "Invalid", message: error.message)
            }
        case .strategic:
            patched = StrategicMergePatch.apply(patch, to: current, kind: type.kind)
        }
        if patched["metadata"]?["name"]?.stringValue != name {
            throw APIError.badRequest("the name of the object (\(patched["metadata"]?["name"]?.stringValue ?? "")) does not match the name on the URL (\(name))")
        }
        let requested = patch["metadata"]?["resourceVersion"]?.stringValue
        return (try replace(type, namespace: namespace, name: name, incoming: ObjectRepresentation.toStorage(patched, from: type),
                           precondition: .patch(kind == .json ? nil : requested), subresource: subresource, dryRun: dryRun), false)
    }

    private func replace(_ type: ResourceType, namespace: String?, name: String, incoming: JSONValue,
                         precondition: Precondition, subresource: String?, dryRun: Bool) throws(APIError) -> JSONValue {
        let key = ObjectKey(namespace: type.namespaced ? namespace ?? "" : "", name: name)
        guard let old = storage(type).objects[key] else { throw APIError.notFound(type, name) }
        let currentVersion = old["metadata"]?["resourceVersion"]?.stringValue ?? ""
        switch precondition {
        case .fromBody:
            let given = incoming["metadata"]?["resourceVersion"]?.stringValue ?? ""
            if given.isEmpty {
                if type.isCustom {
                    throw APIError.invalid(type, name, [.invalid("metadata.resourceVersion", rendered: "0x0", "must be specified for an update")])
                }
            } else if given != currentVersion {
                throw APIError.staleUpdate(type, name)
            }
        case .patch(let given):
            if let given, !given.isEmpty, given != currentVersion { throw APIError.staleUpdate(type, name) }
        }

        var new: JSONValue
        if subresource == "status" {
            new = old
            new["status"] = incoming["status"]
        } else {
            new = incoming
            if type.hasStatus { new["status"] = old["status"] }
            if type.plural == "namespaces" && type.group.isEmpty { new["spec"] = old["spec"] }
        }
        // System-owned metadata always comes from the stored object.
        var meta = new["metadata"]?.objectValue ?? [:]
        let oldMeta = old["metadata"]?.objectValue ?? [:]
        for field in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation",
                      "namespace", "name", "resourceVersion"] {
            meta[field] = oldMeta[field]
        }
        meta["managedFields"] = nil
        if type.plural == "namespaces" && type.group.isEmpty {
            var labels = meta["labels"]?.objectValue ?? [:]
            labels["kubernetes.io/metadata.name"] = .string(name)
            meta["labels"] = .object(labels)
        }
        new["metadata"] = .object(meta)

        var errors: [FieldError] = []
        if type.plural == "secrets" && type.group.isEmpty {
            try SecretValidation.normalize(&new)
            errors += SecretValidation.validateUpdate(new: new, old: old)
        }
        if subresource == nil { errors += try WebhookConfigurationValidation.prepareForUpdate(type, new: &new, old: old) }
        if let schema = StructuralSchema.of(type) {
            let parts = [subresource == "status" ? "status" : "spec"]
            let (pruned, schemaErrors) = schema.apply(to: new, validating: parts)
            new = pruned
            errors += schemaErrors
            errors += schema.ruleErrors(in: new, validating: parts, after: errors)
        }
        if oldMeta["deletionTimestamp"] != nil {
            let before = Set((oldMeta["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue))
            let added = (meta["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue).filter { !before.contains($0) }
            if !added.isEmpty {
                errors.append(.forbidden("metadata.finalizers", "no new finalizers can be added if the object is being deleted, found new finalizers []string{\(added.map { "\"\($0)\"" }.joined(separator: ", "))}"))
            }
        }
        if !errors.isEmpty { throw APIError.invalid(type, name, errors) }
        if type.isCustom && Self.specChanged(old, new) {
            new["metadata"]?["generation"] = .integer((oldMeta["generation"]?.integerValue ?? 1) + 1)
        }

        // A write that changes nothing is not a write: same resourceVersion, no watch event.
        if new == old || dryRun { return ObjectRepresentation.present(new, as: type) }

        let version = bump()
        new["metadata"]?["resourceVersion"] = .string(String(version))
        let finalizers = new["metadata"]?["finalizers"]?.arrayValue ?? []
        if new["metadata"]?["deletionTimestamp"] != nil && finalizers.isEmpty && !(type.plural == "namespaces" && type.group.isEmpty) {
            write(type, key: key, object: nil, change: .deleted, previous: old, version: version, deletedObject: new)
        } else {
            write(type, key: key, object: new, change: .modified, previous: old, version: version)
        }
        return ObjectRepresentation.present(new, as: type)
    }

    /// Custom resources bump generation when anything but metadata and status changes.
    private static func specChanged(_ old: JSONValue, _ new: JSONValue) -> Bool {
        var a = old, b = new
        for field in ["metadata", "status"] {
            a[field] = nil
            b[field] = nil
        }
        return a != b
    }

    // MARK: delete

    struct DeleteOptions: Sendable {
        var preconditionUID: String?
        var preconditionResourceVersion: String?
        var dryRun = false
    }

    /// Returns the object (still present, or as last seen) and whether it is gone now.
    func delete(_ type: ResourceType, namespace: String?, name: String, options: DeleteOptions) throws(APIError) -> (object: JSONValue, deleted: Bool) {
        // NamespaceLifecycle admission: the system namespaces are immortal.
        if type.plural == "namespaces" && type.group.isEmpty && ["default", "kube-system", "kube-public"].contains(name) {
            throw APIError.forbidden(type, name, "this namespace may not be deleted")
        }
        let key = ObjectKey(namespace: type.namespaced ? namespace ?? "" : "", name: name)
        guard var object = storage(type).objects[key] else { throw APIError.notFound(type, name) }
        let uid = object["metadata"]?["uid"]?.stringValue ?? ""
        let version = object["metadata"]?["resourceVersion"]?.stringValue ?? ""
        if let wanted = options.preconditionUID, !wanted.isEmpty, wanted != uid {
            throw APIError.conflict(type, name, "Precondition failed: UID in precondition: \(wanted), UID in object meta: \(uid)")
        }
        if let wanted = options.preconditionResourceVersion, !wanted.isEmpty, wanted != version {
            throw APIError.conflict(type, name, "Precondition failed: ResourceVersion in precondition: \(wanted), ResourceVersion in object meta: \(version)")
        }
        let isNamespace = type.plural == "namespaces" && type.group.isEmpty
        let finalizers = object["metadata"]?["finalizers"]?.arrayValue ?? []
        if isNamespace || !finalizers.isEmpty {
            if object["metadata"]?["deletionTimestamp"] != nil || options.dryRun {
                return (ObjectRepresentation.present(object, as: type), false)
            }
            let previous = object
            object["metadata"]?["deletionTimestamp"] = .string(Self.now())
            object["metadata"]?["deletionGracePeriodSeconds"] = .integer(0)
            if isNamespace { object["status"]?["phase"] = .string("Terminating") }
            let newVersion = bump()
            object["metadata"]?["resourceVersion"] = .string(String(newVersion))
            write(type, key: key, object: object, change: .modified, previous: previous, version: newVersion)
            if isNamespace { scheduleNamespaceFinalization(name) }
            return (ObjectRepresentation.present(object, as: type), false)
        }
        if options.dryRun { return (ObjectRepresentation.present(object, as: type), true) }
        let newVersion = bump()
        var deleted = object
        deleted["metadata"]?["resourceVersion"] = .string(String(newVersion))
        write(type, key: key, object: nil, change: .deleted, previous: object, version: newVersion, deletedObject: deleted)
        return (ObjectRepresentation.present(deleted, as: type), true)
    }

    /// Deletes every object the filter selects (finalizers respected); returns them as a list.
    func deleteCollection(_ type: ResourceType, filter: WatchFilter, dryRun: Bool) throws(APIError) -> ListPage {
        let page = try list(type, filter: filter, limit: nil, continueToken: nil)
        var deleted: [JSONValue] = []
        for item in page.items {
            var options = DeleteOptions()
            options.dryRun = dryRun
            let result = try delete(type, namespace: item["metadata"]?["namespace"]?.stringValue, name: item["metadata"]?["name"]?.stringValue ?? "", options: options)
            deleted.append(result.object)
        }
        return ListPage(items: deleted, resourceVersion: resourceVersion)
    }

    // MARK: storage primitives

    /// A type nothing was ever written to has lost no history: every version is resumable.
    /// (A floor at the current version made a watch from an earlier list's version get 410
    /// whenever another type's write came in between — as the default ServiceAccount's does.)
    func storage(_ type: ResourceType) -> ResourceStorage {
        storages[type.storageKey] ?? ResourceStorage(floor: 0)
    }

    func bump() -> Int {
        resourceVersion += 1
        return resourceVersion
    }

    func write(_ type: ResourceType, key: ObjectKey, object: JSONValue?, change: WatchRecord.Change,
                       previous: JSONValue?, version: Int, deletedObject: JSONValue? = nil) {
        // Mutated in place: copying the storage out and back would copy every object per write.
        let record = WatchRecord(change: change, resourceVersion: version, object: object ?? deletedObject ?? .null, previous: previous)
        storages[type.storageKey, default: ResourceStorage(floor: 0)].objects[key] = object
        storages[type.storageKey]!.record(record, window: settings.watchHistoryWindow)
        for watcher in watchers.values where watcher.type.storageKey == type.storageKey {
            if let event = Self.filtered(record, filter: watcher.filter, type: watcher.type) {
                watcher.continuation.yield(event)
            }
        }
    }

    static func now(offset seconds: Double = 0) -> String {
        Date().addingTimeInterval(seconds).formatted(.iso8601)
    }

    /// Service account tokens issued by the TokenRequest subresource.
    private var serviceAccountTokens: [String: ObjectKey] = [:]

    /// TokenRequest (`POST …/serviceaccounts/NAME/token`): a bearer token for an existing
    /// service account, answered as authentication.k8s.io/v1 TokenRequest.
    func issueToken(namespace: String, serviceAccount name: String, request: JSONValue) throws(APIError) -> JSONValue {
        guard storages["serviceaccounts"]?.objects[ObjectKey(namespace: namespace, name: name)] != nil else {
            throw APIError.notFound(ResourceRegistry.serviceAccounts, name)
        }
        let token = "sandbox-sa-" + UUID().uuidString.lowercased()
        serviceAccountTokens[token] = ObjectKey(namespace: namespace, name: name)
        let seconds = request["spec"]?["expirationSeconds"]?.integerValue ?? 3600
        return .object([
            "kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
            "metadata": .object(["name": .string(name), "namespace": .string(namespace), "creationTimestamp": .string(Self.now())]),
            "spec": .object(["audiences": request["spec"]?["audiences"] ?? .array([]), "expirationSeconds": .integer(seconds)]),
            "status": .object(["token": .string(token), "expirationTimestamp": .string(Self.now(offset: Double(seconds)))]),
        ])
    }

    /// The service account a token was issued for, while the account exists.
    func serviceAccount(forToken token: String) -> ObjectKey? {
        guard let key = serviceAccountTokens[token], storages["serviceaccounts"]?.objects[key] != nil else { return nil }
        return key
    }

    /// The rules the RBAC objects grant the service account `key`.
    func rules(forServiceAccount key: ObjectKey) -> [PolicyRule] {
        func objects(_ plural: String) -> [ObjectKey: JSONValue] { storages["\(plural).\(RBACObjects.group)"]?.objects ?? [:] }
        return RBACObjects.rules(
            forServiceAccount: key.name, in: key.namespace, roles: objects("roles"), clusterRoles: objects("clusterroles"),
            roleBindings: objects("rolebindings"), clusterRoleBindings: objects("clusterrolebindings"))
    }

    /// Validating admission after validation, as the API server orders it: quotas on object counts.
    private func quotaRefusal(creating name: String, of type: ResourceType, in namespace: String) -> APIError? {
        let quotas = (storages["resourcequotas"]?.objects ?? [:]).filter { $0.key.namespace == namespace }.map(\.value)
        guard !quotas.isEmpty else { return nil }
        let used = storage(type).objects.keys.filter { $0.namespace == namespace }.count
        return ResourceQuotaAdmission.check(creating: name, of: type, quotas: quotas, existing: used)
    }

    /// A generated name is at most 63 bytes: the prefix keeps 58 of them.
    static let maxGeneratedPrefixLength = 58

    static func randomSuffix() -> String {
        // apimachinery's alphabet: no vowels (no words) and no confusable characters.
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement()! })
    }
}
