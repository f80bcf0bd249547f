// Readiness: the answer of a readiness check (/readyz): ready, or not yet with a short reason
// such as "informers not synced".

public enum Readiness: Sendable, Equatable {
    case ready
    case notReady(String)
}
