// Readiness: the answer of a readiness check (/readyz): ready, or not yet with a short reason
// such as "informers not synced".

public enum Readiness: Sendable, Equatable {
    case ready
    case notReady(String)

    /// The controller's readiness: its caches synced and, when the pod webhook is on (`nil`:
    /// off), a serving certificate loaded, so that no Service routes admissions to a replica that
    /// cannot answer them.
    public static func controller(cachesSynced: Bool, webhookHasCertificate: Bool?) -> Readiness {
        guard cachesSynced else { return .notReady("informers not synced") }
        if webhookHasCertificate == false { return .notReady("the pod webhook has no serving certificate yet") }
        return .ready
    }
}
