// RetryPolicy: decides, as a pure function, whether an attempt's outcome is final or worth
// another try and after how long. KubeClient feeds it outcomes and sleeps as told.
//
// What is retried, and why:
// - 429 Too Many Requests, any verb: the API server (max-in-flight, priority and fairness)
//   rejects these before running the handler, so nothing happened; wait Retry-After.
// - Connect failures, any verb: no byte reached the server.
// - 5xx and a connection lost mid-request: reads only (get, list). A write may have been
//   applied before the failure (a 504 from etcd's timeout commits later), and repeating it
//   gives a misleading answer: a create says AlreadyExists, an update with resourceVersion says
//   Conflict, a delete says NotFound, even for a delete with preconditions. Writers re-read and
//   decide (the controller's reconcile loop does exactly that), which is what client-go does too
//   (it retries other errors only on GET).
// - TLS failures and other 4xx: never; they are configuration or request errors.

public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var backoff: Backoff
    /// Longest Retry-After honoured; a server asking for more gets this.
    public var maxRetryAfter: Duration

    public init(maxAttempts: Int = 5, backoff: Backoff = Backoff(), maxRetryAfter: Duration = .seconds(30)) {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.maxRetryAfter = maxRetryAfter
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    public enum Decision: Sendable, Equatable {
        /// Hand the outcome to the caller (a result or its error).
        case finish
        case retry(after: Duration)
    }

    /// `attempt` is the number of the attempt that produced `outcome` (1 for the first).
    public func decide(verb: RequestVerb, outcome: RequestOutcome, attempt: Int, random: Double) -> Decision {
        guard attempt < maxAttempts else { return .finish }
        switch outcome {
        case .response(let status, let retryAfter):
            if status == 429 {
                return .retry(after: retryAfter.map { min($0, maxRetryAfter) } ?? backoff.delay(retry: attempt, random: random))
            }
            if (500...599).contains(status), verb.isRead {
                // A 503 with Retry-After is the server asking to come back later: honour it.
                return .retry(after: retryAfter.map { min($0, maxRetryAfter) } ?? backoff.delay(retry: attempt, random: random))
            }
            return .finish
        case .transportFailure(.connectFailed):
            return .retry(after: backoff.delay(retry: attempt, random: random))
        case .transportFailure(.connectionLost), .transportFailure(.timedOut):
            return verb.isRead ? .retry(after: backoff.delay(retry: attempt, random: random)) : .finish
        case .transportFailure(.tls):
            return .finish
        }
    }

    /// Parses a Retry-After header: delta-seconds (what the API server sends). HTTP dates are
    /// not sent by Kubernetes and read as absent.
    public static func retryAfter(header: String?) -> Duration? {
        guard let header, let seconds = Int(header.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }
}
