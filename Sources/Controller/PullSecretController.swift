// PullSecretController: informers feed a keyed work queue (ClusterPullSecret names, each with
// the namespaces its events concern); workers run the reconciler. Handlers only enqueue — no
// decision is made on an event — so a burst of events for one ClusterPullSecret becomes one pass,
// and events about a namespace make a pass over that namespace only.
import CredentialSources
import Foundation
import KubernetesClient
import Logging
import Operations
import RegcredCore

public final class PullSecretController: Sendable {
    public let caches: ClusterCaches
    public let reconciler: PullSecretReconciler
    public let queue: WorkQueue<String, PassScope>
    public let metrics: ControllerMetrics
    private let controllerNamespace: String
    private let logger: Logger

    public let refresher: CredentialRefresher

    /// `sources` reaches providers: its `secrets` reader is replaced by one over the source-secret
    /// cache, so a source reads only Secrets in the controller's own namespace.
    public init(
        client: KubeClient, controllerNamespace: String, catalog: ProfileCatalog, metrics: ControllerMetrics,
        identity: String, selector: LabelQuery? = nil, statusInterval: Duration = ControllerDefaults.statusInterval,
        recordEvents: Bool = true, sources: SourceContext? = nil,
        tokenRetry: TokenRetryPolicy = TokenRetryPolicy(),
        makeSource: CredentialRefresher.SourceFactory? = nil, verifier: (any RegistryVerifying)? = nil, logger: Logger
    ) {
        let caches = ClusterCaches(client: client, controllerNamespace: controllerNamespace, selector: selector)
        self.caches = caches
        self.metrics = metrics
        self.controllerNamespace = controllerNamespace
        self.logger = logger
        let queue = WorkQueue<String, PassScope>()
        self.queue = queue
        var context = sources ?? SourceContext(http: .shared)
        let sourceSecrets = caches.sourceSecrets
        context.secrets = { name in await sourceSecrets.get(namespace: controllerNamespace, name: name)?.data }
        let refresher = CredentialRefresher(
            context: context, retry: tokenRetry,
            makeSource: makeSource ?? CredentialRefresher.specSources,
            logger: logger, wake: { name in await queue.add(name) })
        self.refresher = refresher
        self.reconciler = PullSecretReconciler(
            client: client, caches: caches, controllerNamespace: controllerNamespace, catalog: catalog, metrics: metrics,
            events: EventRecorder(client: recordEvents ? client : nil, instance: identity, logger: logger), refresher: refresher,
            verification: CredentialVerification(verifier: verifier),
            statusWriter: StatusWriter(client: client, interval: statusInterval, logger: logger), logger: logger)
    }

    /// Connects informer events to the queue. Call once, before `runInformers`.
    public func registerHandlers() async {
        let queue = self.queue
        let caches = self.caches
        @Sendable func enqueueAll(for namespace: String) async {
            for resource in await caches.clusterPullSecrets.store.objects.values {
                if let name = resource.metadata.name { await queue.add(name, scope: .namespace(namespace)) }
            }
        }
        await caches.clusterPullSecrets.addHandler { notification in
            // Our own status writes change nothing a pass reads (controller-runtime's
            // GenerationChangedPredicate): without this, every status patch after a pass over one
            // namespace would ask for a pass over all of them.
            if case .updated(let old, let new) = notification, Self.onlyStatusChanged(from: old, to: new) { return }
            await queue.add(notification.key.name)
        }
        // A namespace or service account appearing or changing may concern every ClusterPullSecret.
        await caches.namespaces.addHandler { notification in await enqueueAll(for: notification.object.name) }
        await caches.serviceAccounts.addHandler { notification in await enqueueAll(for: notification.object.namespace) }
        // A managed secret edited or deleted: its owner repairs it.
        await caches.managedSecrets.addHandler { notification in
            let secret = notification.object
            if let owner = secret.owner { await queue.add(owner, scope: .namespace(secret.namespace)) }
        }
        // A source secret changed (a new token, a rotated key): the ClusterPullSecrets that read
        // it fetch again and roll the result out.
        let refresher = self.refresher
        await caches.sourceSecrets.addHandler { notification in
            let changed = notification.key.name
            for resource in await caches.clusterPullSecrets.store.objects.values {
                guard case .success(let spec) = resource.decodedSpec(), spec.source.referencedSecretNames.contains(changed),
                    let name = resource.metadata.name
                else { continue }
                await refresher.invalidate(name)
                await queue.add(name)
            }
        }
    }

    /// Same generation (the spec is unchanged), deletion and finalizers: only status or metadata
    /// a pass does not read changed.
    static func onlyStatusChanged(from old: ClusterPullSecret, to new: ClusterPullSecret) -> Bool {
        old.metadata.generation != nil && old.metadata.generation == new.metadata.generation
            && old.metadata.deletionTimestamp == new.metadata.deletionTimestamp
            && old.metadata.finalizers == new.metadata.finalizers
    }

    /// How often a ClusterPullSecret reported Forbidden is looked at again.
    static let forbiddenRecheck: Duration = .seconds(30)

    /// Runs the whole controller around `body`, the one way every caller does it (tests,
    /// benchmarks, the demo): handlers registered, informers started and synced, `workers`
    /// workers running; afterwards, also when `body` throws, the queue is shut down, the workers
    /// finish and the informers stop.
    public func running<Result: Sendable>(workers: Int, _ body: () async throws -> Result) async throws -> Result {
        await registerHandlers()
        let informers = Task { await runInformers() }
        await caches.waitUntilSynced()
        let workerTask = Task { await runWorkers(workers) }
        return try await Self.run(body) {
            await queue.shutDown()
            _ = await workerTask.value
            await reconciler.statusWriter.flush()
            informers.cancel()
            _ = await informers.value
        }
    }

    /// Informers started and synced around `body`, no workers: one-off passes (`sync --once`).
    public func withSyncedCaches<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        let informers = Task { await runInformers() }
        await caches.waitUntilSynced()
        return try await Self.run(body) {
            await reconciler.statusWriter.flush()
            informers.cancel()
            _ = await informers.value
        }
    }

    /// `body`, then `teardown` whether it returned or threw (async-http-client's asyncDo(_:finally:)).
    private static func run<Result>(_ body: () async throws -> Result, finally teardown: () async -> Void) async throws -> Result {
        let result: Result
        do { result = try await body() } catch {
            await teardown()
            throw error
        }
        await teardown()
        return result
    }

    public func runInformers() async {
        await caches.run()
    }

    /// Runs `workers` workers until the queue shuts down (or the task is cancelled).
    public func runWorkers(_ workers: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, workers) {
                group.addTask { await self.work() }
            }
        }
    }

    private func work() async {
        while let work = await queue.next() {
            let (name, scope) = (work.key, work.scope)
            let started = ContinuousClock.now
            var succeeded = true
            do {
                let queue = self.queue
                let urgent: PullSecretReconciler.UrgentNamespaces = { mustWait in
                    let taken = await queue.takePending(name) { asked in
                        let (taken, left) = asked.takingPrioritized(except: mustWait)
                        return (taken.isEmpty ? nil : .namespaces(taken), left)
                    }
                    return taken?.prioritized ?? []
                }
                switch try await reconciler.reconcile(name: name, scope: scope, urgent: urgent) {
                case .done:
                    await queue.forget(name)
                case .retry(let result, let streaks):
                    succeeded = false
                    logger.warning("some namespaces failed; retrying", metadata: ["clusterpullsecret": "\(name)", "failed": "\(result.failures.count)"])
                    // Each namespace comes back after its own backoff; the key's success
                    // elsewhere (a pass over another namespace) does not reset it.
                    let byDelay = Dictionary(grouping: result.failures.map(\.namespace)) {
                        queue.backoff.delay(afterFailures: max(0, (streaks[$0] ?? 1) - 1))
                    }
                    for (delay, namespaces) in byDelay {
                        await queue.add(name, scope: .covering(namespaces), after: delay)
                    }
                case .recheck(let delay, _):
                    await queue.forget(name)
                    await queue.add(name, after: delay)
                case .forbidden:
                    // A fixed RBAC rule shows only as a successful list: look again now and then.
                    succeeded = false
                    await queue.forget(name)
                    await queue.add(name, after: Self.forbiddenRecheck)
                }
            } catch {
                succeeded = false
                logger.warning("reconcile failed; retrying", metadata: ["clusterpullsecret": "\(name)", "error": "\(error)"])
                await queue.addAfterFailure(name, scope: scope)
            }
            metrics.recordReconcile(clusterPullSecret: name, succeeded: succeeded, duration: ContinuousClock.now - started)
            await queue.done(name)
            metrics.setWorkQueueDepth(await queue.depth)
        }
    }

    /// Reconciles every ClusterPullSecret once from synced caches, for `regcred sync --once`.
    public func syncOnce() async -> [(name: String, outcome: Result<PullSecretReconciler.Outcome, any Error>)] {
        let names = await caches.clusterPullSecrets.store.objects.values.compactMap(\.metadata.name).sorted()
        var results: [(String, Result<PullSecretReconciler.Outcome, any Error>)] = []
        for name in names {
            do {
                results.append((name, .success(try await reconciler.reconcile(name: name))))
            } catch {
                results.append((name, .failure(error)))
            }
        }
        return results
    }
}
