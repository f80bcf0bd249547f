// Defaults the controller takes from its environment (its namespace and identity), and its tunables.
import Foundation

public enum ControllerDefaults {
    /// $POD_NAMESPACE (downward API), else the in-cluster namespace file, else regcred-system.
    public static func namespace(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let namespace = environment["POD_NAMESPACE"], !namespace.isEmpty { return namespace }
        let file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"
        if let text = try? String(contentsOfFile: file, encoding: .utf8), !text.isEmpty {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return "regcred-system"
    }

    /// The pod name (or host name) plus a random suffix, unique per process, for leases and events.
    public static func identity(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let host = environment["POD_NAME"] ?? ProcessInfo.processInfo.hostName
        return "\(host)_\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// At most one status write per ClusterPullSecret per this interval (`--status-interval`).
    public static let statusInterval: Duration = .seconds(1)
}
