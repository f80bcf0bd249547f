// DeleteOptions: preconditions (delete only that incarnation / that version), propagation to
// dependents, grace period and dry run; sent as the DELETE body as the API expects.
import RegcredCore

public struct DeleteOptions: Sendable, Equatable {
    public enum Propagation: String, Sendable { case foreground = "Foreground", background = "Background", orphan = "Orphan" }

    public var preconditionUID: String?
    public var preconditionResourceVersion: String?
    public var propagationPolicy: Propagation?
    public var gracePeriodSeconds: Int?
    public var dryRun: Bool

    public init(preconditionUID: String? = nil, preconditionResourceVersion: String? = nil, propagationPolicy: Propagation? = nil,
                gracePeriodSeconds: Int? = nil, dryRun: Bool = false) {
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
        self.dryRun = dryRun
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["apiVersion": .string("v1"), "kind": .string("DeleteOptions")]
        var preconditions: [String: JSONValue] = [:]
        if let preconditionUID { preconditions["uid"] = .string(preconditionUID) }
        if let preconditionResourceVersion { preconditions["resourceVersion"] = .string(preconditionResourceVersion) }
        if !preconditions.isEmpty { members["preconditions"] = .object(preconditions) }
        if let propagationPolicy { members["propagationPolicy"] = .string(propagationPolicy.rawValue) }
        if let gracePeriodSeconds { members["gracePeriodSeconds"] = .integer(Int64(gracePeriodSeconds)) }
        if dryRun { members["dryRun"] = .array([.string("All")]) }
        return .object(members)
    }
}
