// LeaseElector: leader election on a coordination.k8s.io/v1 Lease, as client-go's
// tools/leaderelection does it. It campaigns (get; create when absent, update when free,
// expired or ours; wait otherwise), and while leading renews every retryPeriod and runs the
// caller's work, which it cancels as soon as it cannot renew within renewDeadline or sees
// another holder. On shutdown it releases the lease so another replica takes over at once.
// Decisions live in LeaseDecision; this actor does the I/O and keeps time.
import Foundation
import KubernetesClient
import Logging

public actor LeaseElector {
    public nonisolated let config: LeaderElectionConfig
    private let leases: ResourceClient<Lease>
    private let time: ElapsedClock
    private let wallClock: @Sendable () -> Date
    private let logger: Logger

    private var decision: LeaseDecision
    /// The Lease last read or written: its resourceVersion makes our writes conditional.
    private var lease: Lease?
    private var leading = false
    /// When the last successful acquire or renewal was sent.
    private var lastRenewal: Duration = .zero

    public init(client: KubeClient, config: LeaderElectionConfig, clock: any Clock<Duration> = ContinuousClock(),
                logger: Logger) {
        self.init(leases: client.resource(Lease.self, namespace: config.namespace), config: config, clock: clock,
                  wallClock: { Date() }, logger: logger)
    }

    /// `wallClock` only stamps acquireTime and renewTime; expiry is judged on `clock`.
    public init(leases: ResourceClient<Lease>, config: LeaderElectionConfig, clock: any Clock<Duration> = ContinuousClock(),
                wallClock: @escaping @Sendable () -> Date, logger: Logger) {
        self.config = config
        self.leases = leases
        self.time = ElapsedClock(clock)
        self.wallClock = wallClock
        var logger = logger
        logger[metadataKey: "lease"] = "\(config.namespace)/\(config.name)"
        logger[metadataKey: "identity"] = "\(config.identity)"
        self.logger = logger
        self.decision = LeaseDecision(config: config)
    }

    /// True from a successful acquire until this replica stops leading (it turns false before
    /// `whileLeading` is cancelled).
    public var isLeader: Bool { leading }

    /// The holder of the lease as last observed (nil: none or released).
    public var observedLeader: String? { decision.holder }

    /// Runs until cancelled: campaigns, and while leading runs `whileLeading` (cancelled when
    /// leadership is lost or on shutdown). After losing the lease it campaigns again. On
    /// cancellation it waits for `whileLeading` to return, releases the lease (unless
    /// `releaseOnCancel` is off) and returns normally. If `whileLeading` returns, the lease is
    /// released and `run` returns; if it throws, the lease is released and the error rethrown.
    /// `whileLeading` must honour cancellation promptly: until it returns, this replica may still
    /// be writing while another one takes over.
    public func run(whileLeading: @escaping @Sendable () async throws -> Void) async throws {
        try config.validate()
        defer { leading = false }
        while true {
            guard await acquire() else { return }
            let outcome = await lead(whileLeading)
            if Task.isCancelled {
                await stopLeading(release: config.releaseOnCancel)
                return
            }
            switch outcome {
            case .lost(let reason):
                logger.warning("stopped leading", metadata: ["reason": "\(reason)"])
            case .renewalCancelled:
                await stopLeading(release: config.releaseOnCancel)
                return
            case .workFinished:
                logger.info("work finished while leading; releasing the lease")
                await stopLeading(release: true)
                return
            case .workFailed(let error):
                logger.error("work failed while leading; releasing the lease", metadata: ["error": "\(error)"])
                await stopLeading(release: true)
                throw error
            }
        }
    }

    // MARK: campaigning

    /// Tries until the lease is ours (true) or the task is cancelled (false).
    private func acquire() async -> Bool {
        logger.info("attempting to acquire leader lease")
        while !Task.isCancelled {
            let started = time.now()
            let result = await time.withDeadline(config.renewDeadline) { await self.tryAcquireOrRenew() } ?? .failed("timed out")
            switch result {
            case .leading:
                leading = true
                lastRenewal = started
                logger.info("acquired leader lease", metadata: ["transitions": "\(decision.observed?.leaseTransitions ?? 0)"])
                return true
            case .heldByOther(let holder):
                logger.debug("lease is held and has not expired", metadata: ["holder": "\(holder)"])
            case .lostRace(let reason):
                logger.debug("another replica won the lease", metadata: ["reason": "\(reason)"])
            case .failed(let reason):
                if Task.isCancelled { return false }
                logger.warning("could not acquire the lease", metadata: ["error": "\(reason)"])
            }
            do { try await time.sleep(decision.acquireRetryDelay(random: Double.random(in: 0..<1))) } catch { return false }
        }
        return false
    }

    private enum LeadOutcome: Sendable {
        case lost(String)
        case renewalCancelled
        case workFinished
        case workFailed(any Error)
    }

    /// Runs the work beside the renewal loop until one of them ends, then stops the other.
    private func lead(_ work: @escaping @Sendable () async throws -> Void) async -> LeadOutcome {
        await withTaskGroup(of: LeadOutcome.self) { group in
            group.addTask {
                do {
                    try await work()
                    return .workFinished
                } catch {
                    return .workFailed(error)
                }
            }
            group.addTask { await self.keepRenewing() }
            let first = await group.next() ?? .renewalCancelled
            group.cancelAll()
            for await _ in group {}
            return first
        }
    }

    /// Renews every retryPeriod; returns when it cannot renew within renewDeadline, when
    /// another replica holds the lease, or when cancelled.
    private func keepRenewing() async -> LeadOutcome {
        while true {
            do { try await time.sleep(config.retryPeriod) } catch { return .renewalCancelled }
            let started = time.now()
            if decision.shouldGiveUp(lastRenewal: lastRenewal, at: started) {
                return lose("could not renew within \(config.renewDeadline)")
            }
            let timeLeft = decision.renewTimeLeft(lastRenewal: lastRenewal, at: started)
            let result = await time.withDeadline(timeLeft) { await self.tryAcquireOrRenew() } ?? .failed("timed out")
            if Task.isCancelled { return .renewalCancelled }
            switch result {
            case .leading:
                lastRenewal = started
            case .heldByOther(let holder):
                return lose("the lease is held by \(holder)")
            case .lostRace(let reason):
                return lose("another replica wrote the lease: \(reason)")
            case .failed(let reason):
                logger.warning("could not renew the lease", metadata: ["error": "\(reason)"])
                if decision.shouldGiveUp(lastRenewal: lastRenewal, at: time.now()) {
                    return lose("could not renew within \(config.renewDeadline): \(reason)")
                }
            }
        }
    }

    private func lose(_ reason: String) -> LeadOutcome {
        leading = false
        return .lost(reason)
    }

    // MARK: one attempt

    private enum Attempt: Sendable {
        case leading
        case heldByOther(String)
        case lostRace(String)
        case failed(String)
    }

    /// client-go's tryAcquireOrRenew: an optimistic renewal when we hold the lease, else read,
    /// decide and write; every write is conditional on the resourceVersion read.
    private func tryAcquireOrRenew() async -> Attempt {
        if var current = lease, let spec = decision.renewal(at: time.now(), wallClock: wallClock()) {
            current.spec = spec
            do {
                record(try await leases.update(current))
                return .leading
            } catch {
                if Task.isCancelled { return .failed("cancelled") }
                logger.debug("optimistic renewal failed; reading the lease", metadata: ["error": "\(error)"])
            }
        }

        let current: Lease?
        do {
            current = try await leases.get(config.name)
        } catch let error as KubeAPIError where error.isNotFound {
            current = nil
        } catch {
            return .failed("\(error)")
        }
        lease = current
        let now = time.now()
        decision.observe(current?.spec, at: now)

        switch decision.step(at: now, wallClock: wallClock()) {
        case .wait(let holder):
            return .heldByOther(holder)
        case .create(let spec):
            let fresh = Lease(metadata: ObjectMeta(name: config.name, namespace: config.namespace), spec: spec)
            do {
                record(try await leases.create(fresh))
                return .leading
            } catch let error as KubeAPIError where error.isAlreadyExists {
                return .lostRace("created by another replica first")
            } catch {
                return .failed("\(error)")
            }
        case .update(let spec):
            guard var updated = current else { return .failed("the lease vanished") }
            updated.spec = spec
            do {
                record(try await leases.update(updated))
                return .leading
            } catch let error as KubeAPIError where error.isConflict {
                return .lostRace("updated by another replica first")
            } catch {
                return .failed("\(error)")
            }
        }
    }

    private func record(_ written: Lease) {
        lease = written
        decision.recordWrite(written.spec, at: time.now())
    }

    // MARK: stopping

    /// Stops leading; with `release`, writes the released record (empty holder, 1 s) so that
    /// another replica takes over without waiting for expiry. The write runs in its own task
    /// because the caller is usually being cancelled, and is bounded by renewDeadline.
    private func stopLeading(release: Bool) async {
        let wasLeading = leading
        leading = false
        guard release, wasLeading, var current = lease, let spec = decision.release(wallClock: wallClock()) else { return }
        current.spec = spec
        let leases = self.leases
        let (name, identity) = (config.name, config.identity)
        let update = Task { [time, limit = config.renewDeadline, current] () -> Result<Lease, any Error>? in
            await time.withDeadline(limit) {
                do {
                    return .success(try await leases.update(current))
                } catch let error as KubeAPIError where error.isConflict {
                    // A renewal cancelled on our side may still have reached the server. Read the
                    // lease again and release it only if it is still ours.
                    do {
                        var fresh = try await leases.get(name)
                        guard fresh.spec.holderIdentity == identity else { return .failure(error) }
                        fresh.spec = current.spec
                        return .success(try await leases.update(fresh))
                    } catch {
                        return .failure(error)
                    }
                } catch {
                    return .failure(error)
                }
            }
        }
        switch await update.value {
        case .success(let released):
            record(released)
            logger.info("released leader lease")
        case .failure(let error):
            logger.warning("could not release the lease; it expires on its own", metadata: ["error": "\(error)"])
        case nil:
            logger.warning("releasing the lease timed out; it expires on its own")
        }
    }
}
