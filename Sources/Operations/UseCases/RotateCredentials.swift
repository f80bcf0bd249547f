// `rotate`: replace a secret's credentials under a new name without a gap in pulls, as careful
// operators do by hand: create `<name>-v<N+1>`, verify it, switch every reference, wait until
// nothing uses the old secret, delete it. Each finished step is recorded on the new secret, so a
// crash or Ctrl-C resumes where it stopped; the old secret is deleted only after a last check that
// nothing references it.
import Foundation
import KubernetesClient
import RegcredCore

public struct RotateCredentials: Sendable {
    public var client: KubeClient
    public var namespace: String
    public var secretName: String
    public var password: Redacted<String>
    public var username: String?
    public var immutable = false
    public var workloads: [WorkloadReference] = []
    public var fields: [FieldReference] = []
    public var waitTimeout: Duration = .seconds(300)
    public var pollInterval: Duration = .seconds(2)
    /// Checks the new credentials; nil skips verification (`--skip-verify`).
    public var verify: (@Sendable (DockerConfig) async -> [RegistryCheck])?
    /// Called after each step is recorded. Not public: only tests set it (`@testable`), to stop a
    /// rotation there as a crash would and check that the next run resumes.
    var afterStep: @Sendable (RotationStep) async throws -> Void = { _ in }

    public init(client: KubeClient, namespace: String, secretName: String, password: Redacted<String>, username: String?) {
        self.client = client
        self.namespace = namespace
        self.secretName = secretName
        self.password = password
        self.username = username
    }

    public var newName: String { RotationNaming.next(after: secretName) }

    private var secrets: ResourceClient<Secret> { client.resource(Secret.self, namespace: namespace) }

    /// Runs (or resumes) the rotation; `say` receives one line per step.
    public func run(say: @Sendable (String) -> Void) async throws {
        let old = try await optional { try await secrets.get(secretName) }
        let recorded = try await recordedStep()
        if let recorded {
            say("resuming the rotation of \(namespace)/\(secretName) → \(newName) after step \(recorded.rawValue)")
        }
        // Every step after the recorded one (all of them for a new rotation), in order.
        for step in RotationStep.allCases where recorded.map({ step > $0 }) ?? true {
            try await take(step, old: old, say: say)
            try await afterStep(step)
        }
        say("done: \(namespace)/\(newName) replaces \(secretName). Revoke the old credentials at the registry or provider now.")
    }

    /// Does `step` and records it on the new secret (which records `.created` as it is created).
    private func take(_ step: RotationStep, old: Secret?, say: @Sendable (String) -> Void) async throws {
        switch step {
        case .created:
            guard let old else { throw RotationError.missing(namespace: namespace, name: secretName) }
            try await createNew(from: old)
            say("created secret \(namespace)/\(newName) with the new credentials")
        case .verified:
            if let verify {
                let config = try DockerConfig(parsing: try await secretConfig(newName), format: .dockerConfigJSON)
                let report = VerificationReport(checks: await verify(config), checkedAt: Date())
                guard report.passed else { throw RotationError.verificationFailed(report.message, old: secretName, new: newName) }
                say("verified: \(report.message)")
            } else {
                say("verification skipped (--skip-verify)")
            }
            try await record(.verified)
        case .switched:
            for line in try await switchReferences() { say(line) }
            try await record(.switched)
        case .drained:
            try await waitUntilUnreferenced(say: say)
            try await record(.drained)
        case .deleted:
            // A last look: a reference that appeared since the wait must not point at a deleted secret.
            let remaining = try await references()
            guard remaining.isEmpty else { throw RotationError.stillReferenced(remaining, old: secretName) }
            if let current = try await optional({ try await secrets.get(secretName) }) {
                try await secrets.delete(secretName, options: DeleteOptions(preconditionUID: current.metadata.uid))
            }
            try await record(.deleted)
            say("deleted the old secret \(namespace)/\(secretName)")
        }
    }

    /// What `run` would do, without writing.
    public func plan() async throws -> [String] {
        let old = try await secrets.get(secretName)
        var lines = ["create \(namespace)/\(newName) (type \(old.type ?? "Opaque")\(immutable ? ", immutable" : "")) with the new credentials"]
        lines.append(verify == nil ? "skip verification" : "verify the new credentials against every registry of the secret")
        for account in try await serviceAccountsReferencing(secretName) { lines.append("switch serviceaccount/\(account) imagePullSecrets: \(secretName) → \(newName)") }
        for workload in workloads { lines.append("switch \(workload) pod template imagePullSecrets: \(secretName) → \(newName)") }
        for field in fields { lines.append("set \(field) to \(newName) where it is \(secretName)") }
        lines.append("wait up to \(GoDuration.format(seconds: waitTimeout.components.seconds)) until no service account, pod template, field or pod references \(secretName)")
        lines.append("delete \(namespace)/\(secretName), then revoke the old credentials at the provider")
        return lines
    }

    // MARK: steps

    private func recordedStep() async throws -> RotationStep? {
        guard let existing = try await optional({ try await secrets.get(newName) }) else { return nil }
        guard let step = RotationRecord.step(in: existing.metadata.annotations, rotatingFrom: secretName) else {
            throw RotationError.nameTaken(namespace: namespace, name: newName, old: secretName)
        }
        return step
    }

    private func createNew(from old: Secret) async throws {
        var data = old.data
        switch old.type ?? "Opaque" {
        case DockerConfigFormat.dockerConfigJSON.secretType, DockerConfigFormat.dockercfg.secretType:
            let format: DockerConfigFormat = old.type == DockerConfigFormat.dockercfg.secretType ? .dockercfg : .dockerConfigJSON
            guard let bytes = old.data[format.secretKey] else { throw RotationError.unsupportedSecret(secretName, "it has no \(format.secretKey) key") }
            let config = try DockerConfig(parsing: bytes, format: format)
            let rotated = try config.replacingCredentials(password: password.value, username: username)
            try rotated.checkedForWrite()
            data[format.secretKey] = rotated.encoded()
        default:
            guard old.data["password"] != nil else {
                throw RotationError.unsupportedSecret(secretName, "it is neither a pull secret nor an Opaque secret with username and password keys")
            }
            data["password"] = Data(password.value.utf8)
            if let username { data["username"] = Data(username.utf8) }
        }
        var annotations = old.metadata.annotations.filter { !$0.key.hasPrefix("regcred.dev/rotat") && $0.key != "kubectl.kubernetes.io/last-applied-configuration" }
        annotations[RotationRecord.fromAnnotation] = secretName
        annotations[RotationRecord.stepAnnotation] = RotationStep.created.rawValue
        let fresh = Secret(
            metadata: ObjectMeta(name: newName, namespace: namespace, labels: old.metadata.labels, annotations: annotations),
            type: old.type, data: data, immutable: immutable ? true : nil)
        _ = try await secrets.create(fresh)
    }

    private func record(_ step: RotationStep) async throws {
        let patch = JSONValue.object(["metadata": .object(["annotations": .object([RotationRecord.stepAnnotation: .string(step.rawValue)])])])
        _ = try await secrets.patch(newName, .merge(patch))
    }

    private func secretConfig(_ name: String) async throws -> Data {
        let secret = try await secrets.get(name)
        if let bytes = secret.data[DockerConfigFormat.dockerConfigJSON.secretKey] { return bytes }
        if let bytes = secret.data[DockerConfigFormat.dockercfg.secretKey] {
            var config = try DockerConfig(parsing: bytes, format: .dockercfg)
            config.format = .dockerConfigJSON
            return config.encoded()
        }
        throw RotationError.unsupportedSecret(name, "an Opaque username/password secret names no registry to verify against; pass --skip-verify")
    }

    /// Switches service accounts, named workloads and named fields; one line per change.
    private func switchReferences() async throws -> [String] {
        var lines: [String] = []
        let accounts = client.resource(ServiceAccount.self, namespace: namespace)
        for name in try await serviceAccountsReferencing(secretName) {
            try await retryingConflicts {
                var account = try await accounts.get(name)
                guard let names = ReferenceSwitch.replacing(secretName, with: newName, in: account.imagePullSecrets.map(\.name)) else { return }
                account.imagePullSecrets = names.map { LocalObjectReference(name: $0) }
                _ = try await accounts.update(account)
                lines.append("switched serviceaccount/\(name)")
            }
        }
        for workload in workloads {
            let objects = client.resource(workload.resource, as: UnstructuredObject.self, namespace: namespace)
            try await retryingConflicts {
                var tree = try await objects.get(workload.name).json
                let list = tree.value(at: workload.pullSecretsPath)?.arrayValue ?? []
                let names = list.compactMap { $0["name"]?.stringValue }
                guard let switched = ReferenceSwitch.replacing(secretName, with: newName, in: names) else { return }
                tree.set(.array(switched.map { .object(["name": .string($0)]) }), at: workload.pullSecretsPath)
                _ = try await objects.update(try UnstructuredObject(json: tree))
                lines.append("switched \(workload)")
            }
        }
        for field in fields {
            let objects = client.resource(field.resource, as: UnstructuredObject.self, namespace: namespace)
            try await retryingConflicts {
                // The whole tree, metadata included, so a field under metadata works too.
                var tree = try await objects.get(field.name).json
                guard tree.value(at: field.path)?.stringValue == secretName else { return }
                tree.set(.string(newName), at: field.path)
                _ = try await objects.update(try UnstructuredObject(json: tree))
                lines.append("switched \(field)")
            }
        }
        return lines
    }

    private func waitUntilUnreferenced(say: @Sendable (String) -> Void) async throws {
        let deadline = ContinuousClock.now + waitTimeout
        var reported: [String] = []
        while true {
            let remaining = try await references()
            if remaining.isEmpty { return }
            if remaining != reported {
                say("waiting: \(secretName) is still referenced by \(remaining.joined(separator: ", "))")
                reported = remaining
            }
            guard ContinuousClock.now < deadline else { throw RotationError.stillReferenced(remaining, old: secretName) }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// Everything that still names the old secret: service accounts, named workloads and fields, pods.
    func references() async throws -> [String] {
        var found = try await serviceAccountsReferencing(secretName).map { "serviceaccount/\($0)" }
        for workload in workloads {
            let object = try await optional { try await client.resource(workload.resource, as: UnstructuredObject.self, namespace: namespace).get(workload.name) }
            let names = object?.json.value(at: workload.pullSecretsPath)?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            if names.contains(secretName) { found.append(workload.description) }
        }
        for field in fields {
            let object = try await optional { try await client.resource(field.resource, as: UnstructuredObject.self, namespace: namespace).get(field.name) }
            if object?.json.value(at: field.path)?.stringValue == secretName { found.append(field.description) }
        }
        for pod in try await client.resource(Pod.self, namespace: namespace).listAll().items
        where pod.spec.imagePullSecrets.contains(where: { $0.name == secretName }) {
            found.append("pod/\(pod.metadata.name ?? "")")
        }
        return found
    }

    private func serviceAccountsReferencing(_ name: String) async throws -> [String] {
        try await client.resource(ServiceAccount.self, namespace: namespace).listAll().items
            .filter { $0.imagePullSecrets.contains { $0.name == name } }
            .compactMap(\.metadata.name).sorted()
    }

    private func retryingConflicts(_ body: () async throws -> Void) async throws {
        for attempt in 1...5 {
            do { return try await body() } catch let error as KubeAPIError where error.isConflict && attempt < 5 { continue }
        }
    }

    private func optional<T>(_ body: () async throws -> T) async throws -> T? {
        do { return try await body() } catch let error as KubeAPIError where error.isNotFound { return nil }
    }
}
