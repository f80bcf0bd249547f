// PullSecretReconciler: one pass for one ClusterPullSecret. Reads the caches, asks the pure
// planner what each namespace needs, executes that, and writes status, events and metrics.
// Idempotent: running it again with nothing changed writes nothing.
import CredentialSources
import Foundation
import KubernetesClient
import Logging
import Operations
import RegcredCore

public struct PullSecretReconciler: Sendable {
    public let client: KubeClient
    public let caches: ClusterCaches
    public let controllerNamespace: String
    public let catalog: ProfileCatalog
    public let metrics: ControllerMetrics
    public let events: EventRecorder
    public let refresher: CredentialRefresher
    public let verification: CredentialVerification
    public let logger: Logger
    /// Namespaces worked on at once; each is a handful of requests.
    public var concurrency = 16

    public init(
        client: KubeClient, caches: ClusterCaches, controllerNamespace: String, catalog: ProfileCatalog,
        metrics: ControllerMetrics, events: EventRecorder, refresher: CredentialRefresher,
        verification: CredentialVerification = CredentialVerification(verifier: nil), logger: Logger
    ) {
        self.refresher = refresher
        self.verification = verification
        self.client = client
        self.caches = caches
        self.controllerNamespace = controllerNamespace
        self.catalog = catalog
        self.metrics = metrics
        self.events = events
        self.logger = logger
    }

    public enum Outcome: Sendable, Equatable {
        /// Nothing more to do until something changes.
        case done(SyncResult?)
        /// Some namespaces failed in a way that may pass later: retry with backoff.
        case retry(SyncResult)
        /// Done for now, but look again after this long (credentials held back by verification).
        case recheck(after: Duration, SyncResult)
    }

    public func reconcile(name: String, now: @Sendable () -> Date = Date.init) async throws -> Outcome {
        guard var resource = await caches.clusterPullSecrets.get(namespace: nil, name: name) else {
            metrics.forget(clusterPullSecret: name)
            await refresher.forget(name)
            await verification.forget(name)
            return .done(nil)
        }
        if resource.metadata.deletionTimestamp != nil {
            return try await cleanUp(resource)
        }
        if !resource.metadata.finalizers.contains(ManagedObjectMarkers.finalizer) {
            // Before writing anything, so that deleting the ClusterPullSecret always cleans up.
            var withFinalizer = resource
            withFinalizer.metadata.finalizers.append(ManagedObjectMarkers.finalizer)
            resource = try await client.resource(ClusterPullSecret.self).update(withFinalizer)
        }
        let policy: ClusterPullSecretPolicy
        switch resource.decodedSpec().flatMap({ ClusterPullSecretPolicy.resolve(name: name, spec: $0, catalog: catalog) }) {
        case .failure(let invalid):
            try await writeStatus(resource, StatusComputation.invalid(
                from: resource.status, generation: resource.metadata.generation, problem: invalid, now: now()))
            await events.record(on: resource, type: .warning, reason: "InvalidSpec", note: invalid.description)
            return .done(nil)
        case .success(let resolved):
            policy = resolved
        }

        let (source, sourceContent) = await readSource(policy, on: resource, now: now())
        var content = sourceContent
        var admission: CredentialVerification.Admission?
        if let fresh = sourceContent {
            let admitted = await verification.admit(fresh, policy: policy, now: now())
            content = admitted.content
            admission = admitted
            if let report = admitted.report {
                metrics.setVerified(report.passed, clusterPullSecret: name)
                if admitted.probed && !report.passed {
                    await events.record(
                        on: resource, type: .warning, reason: admitted.held ? "VerificationFailed" : "VerificationFailedWritten",
                        note: "\(report.reason): \(report.message)\(admitted.held ? "; the last verified credentials stay in place" : "")")
                }
            }
        }
        let desired = DesiredPullSecret(
            owner: name, secretName: policy.secretName, content: content, scope: policy.scope,
            serviceAccounts: policy.serviceAccounts)
        let result = try await sync(desired)
        try await writeStatus(resource, StatusComputation.status(
            from: resource.status, generation: resource.metadata.generation, source: source, result: result,
            verification: admission?.report, now: now()))
        await report(result, source: source, on: resource)
        if !result.failures.isEmpty { return .retry(result) }
        if admission?.report?.passed == false { return .recheck(after: .seconds(60), result) }
        return .done(result)
    }

    /// The pull secret bytes from the source, or why there are none. Token sources are asked
    /// only when the refresher's schedule says so; otherwise the credential of the last refresh
    /// is written again, byte for byte, so nothing changes in the cluster.
    private func readSource(_ policy: ClusterPullSecretPolicy, on resource: ClusterPullSecret, now: Date) async -> (SourceState, Data?) {
        let outcome = await refresher.material(for: policy, now: now)
        if policy.source.static == nil {
            metrics.setRefreshFailing(outcome.state.isUnavailable, clusterPullSecret: policy.name)
        }
        if outcome.fetched {
            metrics.recordSourceFetch(clusterPullSecret: policy.name, succeeded: outcome.material != nil && !outcome.state.isUnavailable)
        }
        if let warning = outcome.warning {
            await events.record(on: resource, type: .warning, reason: "ImplausibleExpiry", note: warning)
        }
        guard let material = outcome.material else {
            metrics.setCredentialExpiry(nil, clusterPullSecret: policy.name)
            return (outcome.state, nil)
        }
        do {
            let content = try material.pullSecretContent(registries: policy.registries)
            metrics.setCredentialExpiry(material.expiresAt, clusterPullSecret: policy.name)
            return (outcome.state, content)
        } catch {
            return (.unavailable(reason: "SourceInvalid", message: "\(error)"), nil)
        }
    }

    /// Plans and executes every namespace; failures are collected, not thrown.
    private func sync(_ desired: DesiredPullSecret) async throws -> SyncResult {
        // Unsorted: sorting 10,000 cached objects per pass dominated the profile; results are
        // ordered at the end, where only failures need a stable order.
        let namespaces = await caches.namespaces.store.objects.values
        let secrets = await caches.managedSecrets.store
        let accounts = Dictionary(grouping: await caches.serviceAccounts.store.objects.values, by: { $0.metadata.namespace ?? "" })
        var result = SyncResult()
        var work: [(plan: NamespacePlan, secret: Secret?, accounts: [String: ServiceAccount])] = []
        for namespace in namespaces {
            let name = namespace.metadata.name ?? ""
            let observedNamespace = ObservedNamespace(
                name: name, labels: namespace.metadata.labels, annotations: namespace.metadata.annotations,
                isTerminating: namespace.phase == "Terminating" || namespace.metadata.deletionTimestamp != nil)
            let secret = secrets[ObjectKey(namespace: name, name: desired.secretName)]
            let namespaceAccounts = accounts[name] ?? []
            let plan = PullSecretPlanner.plan(
                desired, namespace: observedNamespace, secret: secret.map(Self.observed),
                serviceAccounts: namespaceAccounts.map(Self.observed))
            if plan.decision == .selected { result.targeted += 1 }
            if let conflict = plan.conflict {
                result.failures.append(NamespaceFailure(namespace: name, reason: conflict))
                continue
            }
            if plan.actions.isEmpty {
                if plan.decision == .selected && desired.content != nil { result.synced += 1 }
                continue
            }
            let byName = Dictionary(namespaceAccounts.map { ($0.metadata.name ?? "", $0) }, uniquingKeysWith: { first, _ in first })
            work.append((plan, secret, byName))
        }
        let executor = ActionExecutor(client: client, desired: desired)
        let outcomes = await withTaskGroup(of: (NamespacePlan, SyncResult, ActionExecutor.Failure?).self) { group in
            var collected: [(NamespacePlan, SyncResult, ActionExecutor.Failure?)] = []
            var index = 0
            func startNext() {
                guard index < work.count else { return }
                let item = work[index]
                index += 1
                group.addTask {
                    var partial = SyncResult()
                    let failure = await executor.execute(item.plan.actions, secret: item.secret, serviceAccounts: item.accounts, result: &partial)
                    return (item.plan, partial, failure)
                }
            }
            for _ in 0..<concurrency { startNext() }
            for await outcome in group {
                collected.append(outcome)
                startNext()
            }
            return collected
        }
        for (plan, partial, failure) in outcomes.sorted(by: { $0.0.namespace < $1.0.namespace }) {
            result.created += partial.created
            result.updated += partial.updated
            result.deleted += partial.deleted
            result.attached += partial.attached
            result.detached += partial.detached
            if let failure {
                result.failures.append(NamespaceFailure(namespace: plan.namespace, reason: failure.description))
            } else if plan.decision == .selected && desired.content != nil {
                result.synced += 1
            }
        }
        return result
    }

    /// The ClusterPullSecret is being deleted: remove its secrets and only its own service
    /// account entries everywhere, then let it go.
    private func cleanUp(_ resource: ClusterPullSecret) async throws -> Outcome {
        let name = resource.metadata.name ?? ""
        guard resource.metadata.finalizers.contains(ManagedObjectMarkers.finalizer) else { return .done(nil) }
        let secretName: String = {
            if case .success(let spec) = resource.decodedSpec(), let explicit = spec.secretName { return explicit }
            return "regcred-\(name)"
        }()
        let desired = DesiredPullSecret(owner: name, secretName: secretName, content: nil, isBeingDeleted: true)
        let result = try await sync(desired)
        guard result.failures.isEmpty else { return .retry(result) }
        var released = resource
        released.metadata.finalizers.removeAll { $0 == ManagedObjectMarkers.finalizer }
        _ = try await client.resource(ClusterPullSecret.self).update(released)
        metrics.forget(clusterPullSecret: name)
        logger.info("cleaned up after ClusterPullSecret", metadata: ["clusterpullsecret": "\(name)", "deleted": "\(result.deleted)", "detached": "\(result.detached)"])
        return .done(result)
    }

    /// A merge patch of the status subresource: only this controller writes status, and the
    /// cached copy may trail our own last write, so a conditional update would only conflict.
    private func writeStatus(_ resource: ClusterPullSecret, _ status: ClusterPullSecretStatus) async throws {
        guard status != resource.status, let name = resource.metadata.name else { return }
        let encoded = try JSONValue(encoding: status)
        let previous = try resource.status.map { try JSONValue(encoding: $0) }
        let patch = JSONValue.object(["status": encoded.mergePatch(from: previous)])
        _ = try await client.resource(ClusterPullSecret.self).patch(name, .merge(patch), subresource: "status")
    }

    private func report(_ result: SyncResult, source: SourceState, on resource: ClusterPullSecret) async {
        let name = resource.metadata.name ?? ""
        metrics.setManagedSecrets(result.synced, clusterPullSecret: name)
        metrics.setNamespacesFailed(result.failures.count, clusterPullSecret: name)
        if result.wroteAnything {
            let note = "created \(result.created), updated \(result.updated), deleted \(result.deleted) secrets; attached \(result.attached), detached \(result.detached) service account entries"
            await events.record(on: resource, type: .normal, reason: "Synced", note: note)
        }
        if let first = result.failures.first {
            await events.record(
                on: resource, type: .warning, reason: "NamespacesFailed",
                note: "\(result.failures.count) namespaces failed; first: \(first.namespace): \(first.reason)")
        }
        if case .unavailable(let reason, let message) = source {
            await events.record(on: resource, type: .warning, reason: reason, note: message)
        }
    }

    static func observed(_ secret: Secret) -> ObservedSecret {
        ObservedSecret(
            name: secret.metadata.name ?? "", type: secret.type ?? "Opaque", labels: secret.metadata.labels,
            annotations: secret.metadata.annotations, dockerConfigJSON: secret.data[DockerConfigFormat.dockerConfigJSON.secretKey],
            resourceVersion: secret.metadata.resourceVersion ?? "")
    }

    static func observed(_ account: ServiceAccount) -> ObservedServiceAccount {
        ObservedServiceAccount(
            name: account.metadata.name ?? "", imagePullSecrets: account.imagePullSecrets.map(\.name),
            annotations: account.metadata.annotations, resourceVersion: account.metadata.resourceVersion ?? "")
    }
}
