// Carries out the planner's actions against the API server, from cached objects (no GETs on
// the happy path); conflicts on service accounts are retried with a fresh read. Cached objects
// are small views (CachedObjects.swift), so existing objects are never PUT back whole: each
// write is a merge patch of the fields regcred owns, carrying the cached resourceVersion, which
// the API server treats as a precondition (409 Conflict when the object changed meanwhile).
import Foundation
import KubernetesClient
import RegcredCore

struct ActionExecutor: Sendable {
    let client: KubeClient
    let desired: DesiredPullSecret
    /// Attempts of a service account read-modify-update before the namespace counts as failed.
    var serviceAccountAttempts = 4

    enum Failure: Error, CustomStringConvertible {
        /// A same-named secret exists that regcred does not manage (create said AlreadyExists).
        case foreignSecret(String)
        case api(KubeAPIError)
        case other(String)

        var description: String {
            switch self {
            case .foreignSecret(let message): message
            case .api(let error): error.description
            case .other(let message): message
            }
        }
    }

    /// Runs one namespace's actions in order; stops at the first failure.
    /// `secret` is the one named `desired.secretName`; `retired` are the owner's secrets under
    /// earlier names, which delete actions may name.
    func execute(
        _ actions: [PlannedAction], secret: CachedManagedSecret?, retired: [CachedManagedSecret] = [],
        serviceAccounts: [CachedServiceAccount], result: inout SyncResult
    ) async -> Failure? {
        for action in actions {
            do {
                try await execute(action, secret: secret, retired: retired, serviceAccounts: serviceAccounts, result: &result)
            } catch let failure as Failure {
                return failure
            } catch let error as KubeAPIError {
                return .api(error)
            } catch {
                return .other("\(error)")
            }
        }
        return nil
    }

    private func execute(
        _ action: PlannedAction, secret: CachedManagedSecret?, retired: [CachedManagedSecret],
        serviceAccounts: [CachedServiceAccount], result: inout SyncResult
    ) async throws {
        switch action {
        case .createSecret(let namespace, let name):
            try await create(namespace: namespace, name: name)
            result.created += 1
        case .updateSecret(let namespace, let name, _):
            guard let current = secret else { throw Failure.other("secret vanished from the cache") }
            _ = try await client.resource(Secret.self, namespace: namespace).patch(name, .merge(contentPatch(for: current)))
            result.updated += 1
        case .recreateSecret(let namespace, let name, let resourceVersion):
            try await delete(namespace: namespace, name: name, resourceVersion: resourceVersion, uid: secret?.uid)
            try await create(namespace: namespace, name: name)
            result.updated += 1
        case .deleteSecret(let namespace, let name, let resourceVersion):
            let target = secret?.name == name ? secret : retired.first { $0.name == name }
            try await delete(namespace: namespace, name: name, resourceVersion: resourceVersion, uid: target?.uid)
            result.deleted += 1
        case .attach(let namespace, let account, let name):
            if try await editServiceAccount(namespace: namespace, name: account, cached: serviceAccounts.first { $0.name == account }, {
                ImagePullSecretEdit.attach(name, to: $0, attached: $1)
            }) {
                result.attached += 1
            }
        case .detach(let namespace, let account, let name):
            if try await editServiceAccount(namespace: namespace, name: account, cached: serviceAccounts.first { $0.name == account }, {
                ImagePullSecretEdit.detach(name, from: $0, attached: $1)
            }) {
                result.detached += 1
            }
        }
    }

    private func create(namespace: String, name: String) async throws {
        var secret = Secret(metadata: ObjectMeta(name: name, namespace: namespace), type: DockerConfigFormat.dockerConfigJSON.secretType)
        apply(to: &secret)
        do {
            _ = try await client.resource(Secret.self, namespace: namespace).create(secret)
        } catch let error as KubeAPIError where error.reason == .alreadyExists {
            // The cache may not show our own create yet: a list pinned to the name (what RBAC
            // grants) tells ours from someone else's. Ours is left to the pass its event brings.
            let options = ListOptions(fieldSelector: FieldSelector.name(name))
            if let existing = try? await client.resource(Secret.self, namespace: namespace).list(options).items.first,
                existing.metadata.labels[ManagedObjectMarkers.ownerLabel] == desired.owner,
                existing.metadata.labels[ManagedObjectMarkers.managedByLabel] == ManagedObjectMarkers.managedByValue
            {
                return
            }
            throw Failure.foreignSecret(
                "secret \(namespace)/\(name) exists and is not managed by regcred; regcred never changes it: delete it, or set another spec.secretName")
        }
    }

    private func delete(namespace: String, name: String, resourceVersion: String, uid: String?) async throws {
        var options = DeleteOptions()
        options.preconditionResourceVersion = resourceVersion.isEmpty ? nil : resourceVersion
        options.preconditionUID = uid
        do {
            try await client.resource(Secret.self, namespace: namespace).delete(name, options: options)
        } catch let error as KubeAPIError where error.reason == .notFound {
            return
        }
    }

    /// A new secret: desired data, regcred's labels and the content hash.
    private func apply(to secret: inout Secret) {
        secret.type = DockerConfigFormat.dockerConfigJSON.secretType
        if let content = desired.content { secret.data = [DockerConfigFormat.dockerConfigJSON.secretKey: content] }
        for (key, value) in desired.labels { secret.metadata.labels[key] = value }
        for (key, value) in desired.annotations { secret.metadata.annotations[key] = value }
    }

    /// The update of a managed secret as a merge patch: the desired data (other data keys, which
    /// the cache shows, are removed, so the secret holds exactly the pull secret), regcred's labels
    /// and the content hash; other labels, annotations and fields stay as they are.
    func contentPatch(for current: CachedManagedSecret) -> JSONValue {
        var data: [String: JSONValue] = [:]
        for key in current.dataKeys { data[key] = .null }
        if let content = desired.content { data[DockerConfigFormat.dockerConfigJSON.secretKey] = .string(content.base64EncodedString()) }
        var metadata: [String: JSONValue] = [
            "labels": .object(desired.labels.mapValues(JSONValue.string)),
            "annotations": .object(desired.annotations.mapValues(JSONValue.string)),
        ]
        if let version = current.resourceVersion, !version.isEmpty { metadata["resourceVersion"] = .string(version) }
        return .object(["metadata": .object(metadata), "data": .object(data)])
    }

    /// `imagePullSecrets` is atomic: the patch replaces the whole list, and the resourceVersion
    /// it carries makes that safe against a concurrent edit (409, then a fresh read).
    static func imagePullSecretsPatch(_ change: ImagePullSecretEdit, resourceVersion: String?) -> JSONValue {
        var metadata: [String: JSONValue] = [
            "annotations": .object([ManagedObjectMarkers.attachedAnnotation: change.attachedAnnotation.map(JSONValue.string) ?? .null]),
        ]
        if let resourceVersion, !resourceVersion.isEmpty { metadata["resourceVersion"] = .string(resourceVersion) }
        // An empty list is removed, as the API server itself omits it.
        let entries: JSONValue = change.names.isEmpty ? .null : .array(change.names.map { .object(["name": .string($0)]) })
        return .object(["metadata": .object(metadata), "imagePullSecrets": entries])
    }

    /// Read-modify-patch of `imagePullSecrets`; returns whether anything changed.
    private func editServiceAccount(
        namespace: String, name: String, cached: CachedServiceAccount?,
        _ edit: @Sendable ([String], String?) -> ImagePullSecretEdit?
    ) async throws -> Bool {
        let accounts = client.resource(ServiceAccount.self, namespace: namespace)
        var current = cached
        for _ in 0..<serviceAccountAttempts {
            if current == nil { current = CachedServiceAccount(try await accounts.get(name)) }
            guard let account = current else { return false }
            guard let change = edit(account.imagePullSecrets, account.attachedSecrets) else { return false }
            do {
                _ = try await accounts.patch(name, .merge(Self.imagePullSecretsPatch(change, resourceVersion: account.resourceVersion)))
                return true
            } catch let error as KubeAPIError where error.reason == .conflict {
                current = nil
            }
        }
        throw Failure.other("service account \(namespace)/\(name) kept changing; will retry")
    }
}
