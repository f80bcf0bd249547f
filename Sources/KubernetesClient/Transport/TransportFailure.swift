// TransportFailure: how a request failed below HTTP, sorted by whether the server may have seen it.

/// How the transport failed, by what it means for whether the server saw the request.
public enum TransportFailure: Sendable, Equatable {
    /// No connection was made (refused, DNS, connect timeout): nothing reached the server.
    case connectFailed(detail: String)
    /// The connection broke or the deadline passed after the request may have been sent.
    case connectionLost(detail: String)
    case timedOut
    /// The TLS handshake failed: a configuration problem, never fixed by retrying.
    case tls(detail: String)
}
