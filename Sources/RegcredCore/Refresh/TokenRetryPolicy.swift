// TokenRetryPolicy: how a credential source retries after a failed fetch: fixed or capped exponential delays.

public struct TokenRetryPolicy: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case simple, exponential }

    public var kind: Kind
    /// Attempts after the first before the failure is reported (retries then continue on backoff).
    public var retries: Int
    public var delay: Duration
    public var cap: Duration

    public init(kind: Kind = .exponential, retries: Int = 3, delay: Duration = .seconds(5), cap: Duration = .seconds(300)) {
        self.kind = kind
        self.retries = retries
        self.delay = delay
        self.cap = cap
    }

    /// Defaults from `TOKEN_RETRY_TYPE`, `TOKEN_RETRIES` and `TOKEN_RETRY_DELAY` (seconds), the
    /// variables upmc registry-creds users already set; bad values are reported, not ignored.
    public static func fromEnvironment(_ environment: [String: String]) -> (policy: TokenRetryPolicy, problems: [String]) {
        var policy = TokenRetryPolicy()
        var problems: [String] = []
        if let type = environment["TOKEN_RETRY_TYPE"] {
            if let kind = Kind(rawValue: type) { policy.kind = kind } else {
                problems.append("TOKEN_RETRY_TYPE=\(type): expected simple or exponential")
            }
        }
        if let retries = environment["TOKEN_RETRIES"] {
            if let count = Int(retries), count >= 0 { policy.retries = count } else {
                problems.append("TOKEN_RETRIES=\(retries): expected a whole number of retries")
            }
        }
        if let delay = environment["TOKEN_RETRY_DELAY"] {
            if let seconds = Double(delay), seconds >= 0 { policy.delay = .milliseconds(Int64(seconds * 1000)) } else {
                problems.append("TOKEN_RETRY_DELAY=\(delay): expected seconds")
            }
        }
        return (policy, problems)
    }

    /// The wait before retry number `attempt` (0 for the first retry); `random` in [0, 1) spreads
    /// exponential delays between half and all of their value ("equal jitter").
    public func delay(beforeRetry attempt: Int, random: Double) -> Duration {
        switch kind {
        case .simple:
            return delay
        case .exponential:
            let exponent = min(attempt, 30)
            let full = min(delay * (1 << exponent), cap)
            let fraction = 0.5 + 0.5 * min(max(random, 0), 1)
            return full * fraction
        }
    }
}
