// Cluster mode of create, update, show and delete: the same core decisions as the offline
// commands, with the Secret read from and written to the API server.
import Foundation
import KubernetesClient
import RegcredCore

public struct PullSecretsInCluster: Sendable {
    public enum DryRun: String, Sendable, CaseIterable { case none, client, server }

    public let client: KubeClient
    public let namespace: String
    /// Attempts of a read-modify-update before giving up on repeated conflicts.
    public var conflictAttempts = 5

    public init(client: KubeClient, namespace: String? = nil) {
        self.client = client
        self.namespace = namespace ?? client.config.namespace
    }

    private var secrets: ResourceClient<Secret> { client.resource(Secret.self, namespace: namespace) }

    /// Creates the pull secret; an existing one is replaced only with `overwrite` (keeping its
    /// labels and annotations). A secret of another type, or one a ClusterPullSecret manages,
    /// is replaced only with `force` as well (another type by delete and create, since a
    /// Secret's type is immutable). Content the kubelet would refuse is never written.
    public func create(name: String, config: DockerConfig, overwrite: Bool, force: Bool = false, dryRun: DryRun) async throws -> Secret {
        try config.checkedForWrite()
        let secret = Self.secret(name: name, namespace: namespace, config: config)
        let options = WriteOptions(dryRun: dryRun == .server)
        do {
            return try await secrets.create(secret, options: options)
        } catch let error as KubeAPIError where error.reason == .alreadyExists {
            guard overwrite else { throw ClusterSecretError.exists(namespace: namespace, name: name) }
        }
        let existing = try await secrets.get(name)
        if !force { try refuseIfManaged(existing, name: name) }
        let sameType = existing.type == config.format.secretType
        if !sameType || existing.immutable == true {
            guard force else {
                if !sameType {
                    throw ClusterSecretError.otherTypeNeedsForce(
                        namespace: namespace, name: name, type: existing.type ?? "Opaque", keys: existing.data.keys.sorted())
                }
                throw ClusterSecretError.immutable(namespace: namespace, name: name)
            }
            return try await replace(existing, with: secret, options: options)
        }
        return try await modify(name: name, options: options) { existing in
            existing.data = [config.format.secretKey: config.encoded()]
        }
    }

    /// Replaces the token in place with optimistic concurrency, retrying on conflict with a
    /// fresh read; every other registry, key, label and annotation is kept. A secret a
    /// ClusterPullSecret manages is changed only with `force` (the controller would revert it).
    public func updateToken(name: String, request: UpdatePullSecret, force: Bool = false, dryRun: DryRun) async throws -> Secret {
        try await modify(name: name, options: WriteOptions(dryRun: dryRun == .server)) { existing in
            if !force { try refuseIfManaged(existing, name: name) }
            var document = try Self.document(existing, namespace: namespace, name: name)
            if existing.immutable == true { throw ClusterSecretError.immutable(namespace: namespace, name: name) }
            document.config = try document.config.replacingCredentials(
                password: request.password.value, username: request.username, registries: request.registries)
            try document.config.checkedForWrite()
            existing.data[document.config.format.secretKey] = document.encodedConfig
        }
    }

    /// Delete then create, each conditional on what was read: a Secret's type cannot change.
    private func replace(_ existing: Secret, with secret: Secret, options: WriteOptions) async throws -> Secret {
        var delete = DeleteOptions()
        delete.preconditionUID = existing.metadata.uid
        delete.preconditionResourceVersion = existing.metadata.resourceVersion
        if options.dryRun {
            delete.dryRun = true
            try await secrets.delete(secret.metadata.name ?? "", options: delete)
            return secret
        }
        try await secrets.delete(secret.metadata.name ?? "", options: delete)
        return try await secrets.create(secret, options: options)
    }

    private func refuseIfManaged(_ existing: Secret, name: String) throws {
        if existing.metadata.labels[ManagedObjectMarkers.managedByLabel] == ManagedObjectMarkers.managedByValue,
            let owner = existing.metadata.labels[ManagedObjectMarkers.ownerLabel]
        {
            throw ClusterSecretError.managedByController(namespace: namespace, name: name, owner: owner)
        }
    }

    public func document(name: String) async throws -> PullSecretDocument {
        try Self.document(try await secrets.get(name), namespace: namespace, name: name)
    }

    /// Deletes a pull secret; one that a ClusterPullSecret manages only with `force`, since the
    /// controller would write it again.
    public func delete(name: String, force: Bool, dryRun: DryRun) async throws {
        let existing = try await secrets.get(name)
        _ = try Self.document(existing, namespace: namespace, name: name)
        if !force { try refuseIfManaged(existing, name: name) }
        guard dryRun == .none || dryRun == .server else { return }
        var options = DeleteOptions()
        options.preconditionUID = existing.metadata.uid
        options.preconditionResourceVersion = existing.metadata.resourceVersion
        if dryRun == .server { options.dryRun = true }
        try await secrets.delete(name, options: options)
    }

    private func modify(name: String, options: WriteOptions, _ change: (inout Secret) throws -> Void) async throws -> Secret {
        for _ in 0..<conflictAttempts {
            var secret = try await secrets.get(name)
            try change(&secret)
            do {
                return try await secrets.update(secret, options: options)
            } catch let error as KubeAPIError where error.reason == .conflict {
                continue
            }
        }
        throw ClusterSecretError.keepsConflicting(namespace: namespace, name: name, attempts: conflictAttempts)
    }

    static func document(_ secret: Secret, namespace: String, name: String) throws -> PullSecretDocument {
        try PullSecretDocument(document: try manifest(of: secret, namespace: namespace, name: name), syntax: .yaml)
    }

    /// A pull secret read from the cluster as the manifest a file would hold; another type is refused.
    static func manifest(of secret: Secret, namespace: String, name: String) throws(ClusterSecretError) -> JSONValue {
        let type = secret.type ?? "Opaque"
        guard DockerConfigFormat(secretType: type) != nil else {
            throw ClusterSecretError.notAPullSecret(namespace: namespace, name: name, type: type)
        }
        var manifest = secret.json
        manifest["kind"] = "Secret"
        manifest["apiVersion"] = "v1"
        return manifest
    }

    public static func secret(name: String, namespace: String, config: DockerConfig) -> Secret {
        Secret(
            metadata: ObjectMeta(name: name, namespace: namespace), type: config.format.secretType,
            data: [config.format.secretKey: config.encoded()])
    }
}
