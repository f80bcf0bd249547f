// HealthEndpoints: which paths one HealthServer answers: /metrics, the probes (/healthz and
// /readyz), or both.

public struct HealthEndpoints: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `GET /metrics`: the Prometheus exposition.
    public static let metrics = HealthEndpoints(rawValue: 1 << 0)
    /// `GET /healthz` (liveness) and `GET /readyz` (readiness).
    public static let probes = HealthEndpoints(rawValue: 1 << 1)
    public static let all: HealthEndpoints = [.metrics, .probes]
}
