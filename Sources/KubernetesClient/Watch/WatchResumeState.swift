// WatchResumeState: the reflector's decisions as a value: which resourceVersion to resume
// from, when to relist (410 Gone), and how long to wait before watching again after a failure.
// The Informer executes them; tests drive every transition without a server.

public struct WatchResumeState: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Hand the event to the store.
        case deliver
        /// Progress only (bookmark): nothing to deliver.
        case skip
        /// The resourceVersion is gone from the server's history: list again.
        case relist(after: Duration)
        /// Open a new watch from `resourceVersion`.
        case rewatch(after: Duration)
    }

    /// Where the next watch starts; `nil` until the first list.
    public private(set) var resourceVersion: String?
    /// Failures in a row; resets once a watch delivers something.
    public private(set) var consecutiveFailures = 0
    public let backoff: Backoff

    public init(backoff: Backoff = Backoff(initial: .milliseconds(800), maximum: .seconds(30), multiplier: 2, jitter: 0.5)) {
        self.backoff = backoff
    }

    /// A list succeeded: watch from its resourceVersion.
    public mutating func listed(resourceVersion: String?) {
        self.resourceVersion = resourceVersion
        consecutiveFailures = 0
    }

    /// A list failed: wait before trying again.
    public mutating func listFailed(random: Double) -> Duration {
        consecutiveFailures += 1
        return backoff.delay(retry: consecutiveFailures, random: random)
    }

    public mutating func received<Object: KubernetesObject>(_ event: WatchEvent<Object>, random: Double) -> Action {
        switch event {
        case .added, .modified, .deleted:
            if let version = event.resourceVersion, !version.isEmpty { resourceVersion = version }
            consecutiveFailures = 0
            return .deliver
        case .bookmark(let version):
            if !version.isEmpty { resourceVersion = version }
            consecutiveFailures = 0
            return .skip
        case .error(let status):
            return failed(httpStatus: status.code ?? 500, reason: status.reason, random: random)
        }
    }

    /// Opening the watch failed with an HTTP status, or an ERROR event carried one.
    public mutating func failed(httpStatus: Int, reason: String? = nil, random: Double) -> Action {
        if httpStatus == 410 || reason == "Expired" || reason == "Gone" {
            // The version fell out of the server's window: only a fresh list is consistent.
            resourceVersion = nil
            return .relist(after: .zero)
        }
        consecutiveFailures += 1
        return .rewatch(after: backoff.delay(retry: consecutiveFailures, random: random))
    }

    /// The connection ended. A normal end (server timeout) after events resumes at once; a
    /// failure, or an end before anything arrived (a server closing at once), backs off so
    /// that a broken server is not hammered.
    public mutating func streamEnded(failed: Bool, deliveredEvents: Int, random: Double) -> Action {
        if !failed, deliveredEvents > 0 {
            consecutiveFailures = 0
            return .rewatch(after: .zero)
        }
        consecutiveFailures += 1
        return .rewatch(after: backoff.delay(retry: consecutiveFailures, random: random))
    }
}
