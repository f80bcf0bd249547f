// RequestOutcome: what one attempt of a request came to, as the retry policy sees it.

public enum RequestOutcome: Sendable, Equatable {
    /// The server answered. `retryAfter` is the Retry-After header, if any.
    case response(status: Int, retryAfter: Duration?)
    case transportFailure(TransportFailure)
}
