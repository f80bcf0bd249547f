// The status regcred reports on a ClusterPullSecret, and how conditions change.
import Foundation

public struct ClusterPullSecretStatus: Codable, Hashable, Sendable {
    public var observedGeneration: Int64?
    public var conditions: [StatusCondition]?
    public var namespaces: NamespaceCounts?
    /// RFC 3339 timestamps.
    public var lastSyncTime: String?
    public var expiresAt: String?
    public var lastRefreshTime: String?
    /// When credentials were last checked against the registries (`spec.verify`), and which.
    public var lastVerifiedTime: String?
    public var verifiedRegistries: [String]?
    /// Every name under which this ClusterPullSecret may still have secrets: the current
    /// `spec.secretName` and earlier ones not yet cleaned up everywhere. The controller watches
    /// these names (and RBAC must grant them) until the old ones are gone.
    public var secretNames: [String]?

    public init(
        observedGeneration: Int64? = nil, conditions: [StatusCondition]? = nil, namespaces: NamespaceCounts? = nil,
        lastSyncTime: String? = nil, expiresAt: String? = nil, lastRefreshTime: String? = nil,
        lastVerifiedTime: String? = nil, verifiedRegistries: [String]? = nil, secretNames: [String]? = nil
    ) {
        self.secretNames = secretNames
        self.lastVerifiedTime = lastVerifiedTime
        self.verifiedRegistries = verifiedRegistries
        self.observedGeneration = observedGeneration
        self.conditions = conditions
        self.namespaces = namespaces
        self.lastSyncTime = lastSyncTime
        self.expiresAt = expiresAt
        self.lastRefreshTime = lastRefreshTime
    }

    public func condition(_ type: String) -> StatusCondition? {
        conditions?.first { $0.type == type }
    }

    /// Sets a condition; `lastTransitionTime` moves only when the status itself changes, as
    /// the Kubernetes API conventions ask.
    public mutating func setCondition(
        _ type: String, status: StatusCondition.Status, reason: String, message: String, generation: Int64?, now: Date
    ) {
        var all = conditions ?? []
        let previous = all.first { $0.type == type }
        let transition = previous?.status == status ? previous!.lastTransitionTime : RFC3339.format(now)
        let updated = StatusCondition(
            type: type, status: status, observedGeneration: generation, lastTransitionTime: transition,
            reason: reason, message: message)
        if let index = all.firstIndex(where: { $0.type == type }) {
            all[index] = updated
        } else {
            all.append(updated)
        }
        conditions = all
    }
}

public struct NamespaceCounts: Codable, Hashable, Sendable {
    public var targeted: Int
    public var synced: Int
    public var failed: Int
    /// The first few failures, so `kubectl describe` shows why without a log dive.
    public var failures: [NamespaceFailure]?

    public init(targeted: Int, synced: Int, failed: Int, failures: [NamespaceFailure]? = nil) {
        self.targeted = targeted
        self.synced = synced
        self.failed = failed
        self.failures = failures
    }
}

public struct NamespaceFailure: Codable, Hashable, Sendable {
    public var namespace: String
    public var reason: String

    public init(namespace: String, reason: String) {
        self.namespace = namespace
        self.reason = reason
    }
}

/// metav1.Condition.
public struct StatusCondition: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Hashable, Sendable { case `true` = "True", `false` = "False", unknown = "Unknown" }

    public var type: String
    public var status: Status
    public var observedGeneration: Int64?
    public var lastTransitionTime: String
    /// CamelCase, machine-readable.
    public var reason: String
    /// Human-readable; never carries secret material.
    public var message: String
}

/// RFC 3339 timestamps with second precision, as Kubernetes writes them. FoundationEssentials'
/// format style, not `ISO8601DateFormatter`: the formatter goes through CoreFoundation into ICU,
/// which maps megabytes of locale data into a controller that only ever writes UTC.
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }

    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: false)) {
            return date
        }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
