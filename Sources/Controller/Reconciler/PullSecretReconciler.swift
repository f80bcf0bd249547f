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
    public let statusWriter: StatusWriter
    public let logger: Logger
    let ledger = NamespaceLedger()
    /// Namespaces worked on at once; each is a handful of requests.
    public var concurrency = 16

    public init(
        client: KubeClient, caches: ClusterCaches, controllerNamespace: String, catalog: ProfileCatalog,
        metrics: ControllerMetrics, events: EventRecorder, refresher: CredentialRefresher,
        verification: CredentialVerification = CredentialVerification(verifier: nil), statusWriter: StatusWriter? = nil, logger: Logger
    ) {
        self.statusWriter = statusWriter ?? StatusWriter(client: client, interval: .zero, logger: logger)
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
        /// Some namespaces failed in a way that may pass later: retry each with its own backoff.
        /// `streaks` says how many passes in a row failed each of them.
        case retry(SyncResult, streaks: [String: Int])
        /// Done for now, but look again after this long (credentials held back by verification).
        case recheck(after: Duration, SyncResult)
        /// RBAC does not grant these secret names: nothing was written; look again later.
        case forbidden(names: [String])
    }

    /// One pass over `scope`. A pass over some namespaces becomes a full pass when the desired
    /// secret is not the one the last full pass wrote (a new credential, a changed spec), so a
    /// change always reaches every namespace.
    /// Namespaces events asked for since a full pass began, except those `mustWait` names
    /// (being worked on, or part of the pass anyway), which stay asked for.
    public typealias UrgentNamespaces = @Sendable (_ mustWait: @escaping @Sendable (String) -> Bool) async -> Set<String>

    public func reconcile(
        name: String, scope: PassScope = .all, urgent: UrgentNamespaces? = nil, now: @Sendable () -> Date = Date.init
    ) async throws -> Outcome {
        guard var resource = await caches.clusterPullSecrets.get(namespace: nil, name: name) else {
            metrics.forget(clusterPullSecret: name)
            await refresher.forget(name)
            await verification.forget(name)
            await statusWriter.forget(name)
            ledger.forget(name)
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

        // Managed secrets are watched by name: this pass needs the current name and any earlier
        // one that may still have secrets to remove. RBAC may not grant a name (resourceNames).
        let retiredNames = (resource.status?.secretNames ?? []).filter { $0 != policy.secretName }
        if let outcome = try await watchSecretNames([policy.secretName] + retiredNames, of: resource, now: now()) {
            return outcome
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
            serviceAccounts: policy.serviceAccounts, retiredSecretNames: retiredNames)
        let pass: SyncResult
        let visited: Set<String>?
        if case .namespaces(let names) = scope, ledger.desired(for: name) == desired {
            let (result, selected) = await sync(desired, namespaces: Array(names))
            ledger.update(name, outcomes: Dictionary(uniqueKeysWithValues: names.map { ($0, selected[$0]) }))
            pass = result
            visited = names
        } else {
            // Namespaces the scope names are served first, then every other one.
            let (result, outcomes) = await sync(desired, first: scope.prioritized, urgent: urgent)
            ledger.replace(name, desired: desired, outcomes: outcomes)
            pass = result
            visited = nil
        }
        let streaks = ledger.recordFailures(name, failed: Set(pass.failures.map(\.namespace)), visited: visited)
        // Status covers every namespace; the writes are this pass's.
        var result = ledger.totals(for: name)
        (result.created, result.updated, result.deleted, result.attached, result.detached) =
            (pass.created, pass.updated, pass.deleted, pass.attached, pass.detached)
        var status = StatusComputation.status(
            from: resource.status, generation: resource.metadata.generation, source: source, result: result,
            verification: admission?.report, now: now())
        status.secretNames = await secretNamesInPlace(current: policy.secretName, retired: retiredNames, owner: name)
        try await writeStatus(resource, status)
        await report(result, source: source, on: resource)
        await caches.managedSecrets.retain(only: await secretNamesInUse())
        if !pass.failures.isEmpty { return .retry(pass, streaks: streaks) }
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
            // A static credential has no known expiry: while its Secret is missing or unreadable,
            // what it last held keeps serving. A token source's last good credential is the
            // refresher's, which drops it once expired.
            return (outcome.state, policy.source.static != nil && outcome.state.isUnavailable ? lastGoodContent(policy) : nil)
        }
        for note in material.notes {
            await events.record(on: resource, type: .warning, reason: "SourceCorrected", note: note)
        }
        let content: Data
        do {
            content = try material.pullSecretContent(registries: policy.registries)
        } catch {
            metrics.setSourceRefused(true, clusterPullSecret: policy.name)
            return (.unavailable(reason: "InvalidSource", message: "\(error); the last good pull secret stays in place"), lastGoodContent(policy))
        }
        if let refusal = PullSecretContentGate.check(content, serving: policy.registries) {
            metrics.setSourceRefused(true, clusterPullSecret: policy.name)
            return (.unavailable(reason: refusal.reason, message: "\(refusal); the last good pull secret stays in place"), lastGoodContent(policy))
        }
        metrics.setSourceRefused(false, clusterPullSecret: policy.name)
        metrics.setCredentialExpiry(material.expiresAt, clusterPullSecret: policy.name)
        return (outcome.state, content)
    }

    /// What the last full pass wrote everywhere, while it still passes the gate for `policy`:
    /// new namespaces get it while the source is refused. After a restart there is none, and
    /// the secrets in place are left as they are.
    private func lastGoodContent(_ policy: ClusterPullSecretPolicy) -> Data? {
        guard let content = ledger.desired(for: policy.name)?.content,
            PullSecretContentGate.check(content, serving: policy.registries) == nil
        else { return nil }
        return content
    }

    /// One namespace as the caches show it.
    private struct NamespaceView: Sendable {
        var namespace: CachedNamespace
        var secret: CachedManagedSecret?
        /// This ClusterPullSecret's secrets under other names (an earlier spec.secretName).
        var retired: [CachedManagedSecret]
        var accounts: [CachedServiceAccount]
    }

    /// Namespaces read from the caches per batch.
    private static let batchSize = 128

    /// Plans and executes `names` (every cached namespace when nil). Namespaces are read from
    /// the caches a batch at a time and planned as workers free up, so a pass over 10,000
    /// namespaces holds neither a snapshot of a whole cache (an event arriving meanwhile would
    /// copy the entire store) nor all the plans at once. Returns the outcome of every selected
    /// namespace among `names`; a name no longer cached has none.
    ///
    /// A full pass asks `urgent` before each namespace for namespaces that events named since it
    /// began (a new namespace, its service account) and serves those first, so a long pass (a
    /// rotation over 10,000 namespaces at 50 QPS) never keeps a new namespace waiting. `urgent`
    /// is given the namespaces being worked on at that moment, which it leaves for a later pass.
    private func sync(
        _ desired: DesiredPullSecret, namespaces names: [String]? = nil, first: Set<String> = [], urgent: UrgentNamespaces? = nil
    ) async -> (SyncResult, [String: NamespaceLedger.Outcome]) {
        var pending: ArraySlice<String>
        if let names { pending = names[...] } else { pending = await caches.namespaces.keys.map(\.name)[...] }
        var ready: [NamespaceView] = []
        // Only namespaces the pass does not cover jump ahead: events about the others are mostly
        // the echoes of this pass's own writes, which the pass handles (or its successor).
        let covered = urgent == nil ? [] : Set(pending)
        return await run(desired, first: first, covered: covered, urgent: urgent) {
            while ready.isEmpty {
                guard !pending.isEmpty else { return nil }
                let batch = Set(pending.prefix(Self.batchSize))
                pending = pending.dropFirst(Self.batchSize)
                ready = await views(of: batch, desired: desired)
            }
            return ready.removeLast()
        }
    }

    private func views(of names: Set<String>, desired: DesiredPullSecret) async -> [NamespaceView] {
        let namespaces = await caches.namespaces.objects(forKeys: names.map { ObjectKey(namespace: nil, name: $0) })
        let current = Dictionary(
            await caches.managedSecrets.secrets(named: desired.secretName, inNamespaces: names).map { ($0.namespace, $0) },
            uniquingKeysWith: { first, _ in first })
        var retired: [String: [CachedManagedSecret]] = [:]
        for oldName in desired.retiredSecretNames {
            for secret in await caches.managedSecrets.secrets(named: oldName, inNamespaces: names) where secret.owner == desired.owner {
                retired[secret.namespace, default: []].append(secret)
            }
        }
        let accounts = Dictionary(grouping: await caches.serviceAccounts.objects(inNamespaces: names), by: \.namespace)
        return namespaces.map { namespace in
            NamespaceView(
                namespace: namespace, secret: current[namespace.name], retired: retired[namespace.name] ?? [],
                accounts: accounts[namespace.name] ?? [])
        }
    }

    /// Starts (or keeps) the watches of `names` and waits for their first list. Nil when all
    /// listed; otherwise the pass cannot run: a name RBAC does not grant is reported as
    /// `Ready=False` reason Forbidden (with the fix) and looked at again later, other errors throw.
    private func watchSecretNames(_ names: [String], of resource: ClusterPullSecret, now: Date) async throws -> Outcome? {
        let name = resource.metadata.name ?? ""
        let failed = await caches.managedSecrets.watch(names)
        let forbidden = failed.filter { ($0.value as? KubeAPIError)?.reason == .forbidden }.keys.sorted()
        metrics.setSecretAccessForbidden(!forbidden.isEmpty, clusterPullSecret: name)
        if forbidden.isEmpty, let (_, error) = failed.first { throw error }
        guard !forbidden.isEmpty else { return nil }
        let message = ControllerPermissions.forbiddenMessage(names: forbidden)
        try await writeStatus(resource, StatusComputation.forbidden(
            from: resource.status, generation: resource.metadata.generation, message: message, now: now))
        await events.record(on: resource, type: .warning, reason: "Forbidden", note: message)
        return .forbidden(names: forbidden)
    }

    /// The names under which this owner still has secrets: the current one, and earlier ones
    /// the cache still shows (removed from the list once their secrets are gone everywhere).
    private func secretNamesInPlace(current: String, retired: [String], owner: String) async -> [String] {
        var names = [current]
        for oldName in retired where await caches.managedSecrets.hasSecrets(named: oldName, ownedBy: owner) {
            names.append(oldName)
        }
        return names
    }

    /// Every secret name some ClusterPullSecret may have secrets under.
    private func secretNamesInUse() async -> Set<String> {
        var names: Set<String> = []
        for resource in await caches.clusterPullSecrets.list() {
            names.formUnion(resource.secretNamesInUse)
        }
        return names
    }

    /// Plans each namespace `next` yields and executes the plans, `concurrency` namespaces at a
    /// time; failures are collected, not thrown. Returns the outcome of each selected namespace.
    private func run(
        _ desired: DesiredPullSecret, first: Set<String> = [], covered: Set<String> = [], urgent: UrgentNamespaces? = nil,
        over next: () async -> NamespaceView?
    ) async -> (SyncResult, [String: NamespaceLedger.Outcome]) {
        /// Namespaces with a task running, and those served ahead of their turn (skipped when
        /// their turn comes).
        var inFlight: Set<String> = []
        var servedAhead = first
        var aheadQueue = first.isEmpty ? [] : await views(of: first, desired: desired)
        func nextView() async -> NamespaceView? {
            if let urgent {
                let busy = inFlight
                let names = await urgent { busy.contains($0) || covered.contains($0) }
                if !names.isEmpty {
                    servedAhead.formUnion(names)
                    aheadQueue += await views(of: names, desired: desired)
                }
            }
            if let view = aheadQueue.popLast() { return view }
            while let view = await next() {
                if !servedAhead.contains(view.namespace.name) { return view }
            }
            return nil
        }
        var result = SyncResult()
        var failures: [NamespaceFailure] = []
        var outcomes: [String: NamespaceLedger.Outcome] = [:]
        /// Without content, a namespace that already holds regcred's secret keeps it: counted as held.
        func served(_ view: NamespaceView) -> NamespaceLedger.Outcome {
            desired.content != nil ? .synced : view.secret != nil ? .holding : .waiting
        }
        let executor = ActionExecutor(client: client, desired: desired)

        /// The next namespace with something to do, recording the others on the way.
        func nextWork() async -> (plan: NamespacePlan, view: NamespaceView)? {
            while let view = await nextView() {
                let plan = PullSecretPlanner.plan(
                    desired, namespace: view.namespace.observed, secret: view.secret?.observed,
                    serviceAccounts: view.accounts.map(\.observed), retired: view.retired.map(\.observed))
                guard plan.decision == .selected else {
                    if !plan.actions.isEmpty { return (plan, view) }
                    continue
                }
                result.targeted += 1
                if let conflict = plan.conflict {
                    failures.append(NamespaceFailure(namespace: plan.namespace, reason: conflict))
                    outcomes[plan.namespace] = .failed(conflict)
                } else if !plan.actions.isEmpty {
                    return (plan, view)
                } else {
                    outcomes[plan.namespace] = served(view)
                }
            }
            return nil
        }

        await withTaskGroup(of: (NamespacePlan, SyncResult, ActionExecutor.Failure?, NamespaceLedger.Outcome).self) { group in
            func startNext() async {
                guard let item = await nextWork() else { return }
                inFlight.insert(item.plan.namespace)
                group.addTask {
                    var partial = SyncResult()
                    let failure = await executor.execute(
                        item.plan.actions, secret: item.view.secret, retired: item.view.retired, serviceAccounts: item.view.accounts,
                        result: &partial)
                    return (item.plan, partial, failure, served(item.view))
                }
            }
            for _ in 0..<concurrency { await startNext() }
            for await (plan, partial, failure, success) in group {
                inFlight.remove(plan.namespace)
                result.created += partial.created
                result.updated += partial.updated
                result.deleted += partial.deleted
                result.attached += partial.attached
                result.detached += partial.detached
                if plan.decision == .selected {
                    if let failure {
                        failures.append(NamespaceFailure(namespace: plan.namespace, reason: failure.description))
                        outcomes[plan.namespace] = .failed(failure.description)
                    } else {
                        outcomes[plan.namespace] = success
                    }
                } else if let failure {
                    failures.append(NamespaceFailure(namespace: plan.namespace, reason: failure.description))
                }
                await startNext()
            }
        }
        result.synced = outcomes.values.reduce(0) { $0 + ($1 == .synced ? 1 : 0) }
        result.holding = outcomes.values.reduce(0) { $0 + ($1 == .holding ? 1 : 0) }
        result.failures = failures.sorted { $0.namespace < $1.namespace }
        return (result, outcomes)
    }

    /// The ClusterPullSecret is being deleted: remove its secrets and only its own service
    /// account entries everywhere, then let it go.
    private func cleanUp(_ resource: ClusterPullSecret) async throws -> Outcome {
        let name = resource.metadata.name ?? ""
        guard resource.metadata.finalizers.contains(ManagedObjectMarkers.finalizer) else { return .done(nil) }
        let names = resource.secretNamesInUse
        let secretName = names[0]
        if let outcome = try await watchSecretNames(names, of: resource, now: Date()) { return outcome }
        let desired = DesiredPullSecret(
            owner: name, secretName: secretName, content: nil, isBeingDeleted: true, retiredSecretNames: Array(names.dropFirst()))
        let (result, _) = await sync(desired)
        let streaks = ledger.recordFailures(name, failed: Set(result.failures.map(\.namespace)), visited: nil)
        guard result.failures.isEmpty else { return .retry(result, streaks: streaks) }
        var released = resource
        released.metadata.finalizers.removeAll { $0 == ManagedObjectMarkers.finalizer }
        _ = try await client.resource(ClusterPullSecret.self).update(released)
        metrics.forget(clusterPullSecret: name)
        logger.info("cleaned up after ClusterPullSecret", metadata: ["clusterpullsecret": "\(name)", "deleted": "\(result.deleted)", "detached": "\(result.detached)"])
        return .done(result)
    }

    /// Status goes through the StatusWriter: at most one write per interval, the latest state.
    private func writeStatus(_ resource: ClusterPullSecret, _ status: ClusterPullSecretStatus) async throws {
        guard let name = resource.metadata.name else { return }
        try await statusWriter.submit(status, for: name, stored: resource.status)
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
        if result.targeted == 0 {
            await events.record(
                on: resource, type: .warning, reason: "NoNamespacesSelected",
                note: "no namespace matches spec.namespaces (selector and exclusions); nothing is written until one does")
        }
    }
}
