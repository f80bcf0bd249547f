// A workload `rotate --workload` switches (deployment, statefulset, daemonset, cronjob): how it is
// written on the command line, and where its pod template keeps its pull secrets.
import KubernetesClient

/// A workload whose pod template names pull secrets.
public struct WorkloadReference: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case deployment, statefulset, daemonset, cronjob
    }
    public var kind: Kind
    public var name: String

    public init(kind: Kind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// `deployment/web`, `deploy/web`, `sts/db`, `ds/agent`, `cronjob/report`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        let aliases: [String: Kind] = [
            "deployment": .deployment, "deployments": .deployment, "deploy": .deployment, "statefulset": .statefulset,
            "statefulsets": .statefulset, "sts": .statefulset, "daemonset": .daemonset, "daemonsets": .daemonset, "ds": .daemonset,
            "cronjob": .cronjob, "cronjobs": .cronjob, "cj": .cronjob,
        ]
        guard parts.count == 2, let kind = aliases[parts[0].lowercased()], !parts[1].isEmpty else {
            throw RotationError.badWorkload(text)
        }
        self.init(kind: kind, name: parts[1])
    }

    public var description: String { "\(kind.rawValue)/\(name)" }

    var resource: Resource {
        switch kind {
        case .deployment: Resource(group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true)
        case .statefulset: Resource(group: "apps", version: "v1", plural: "statefulsets", kind: "StatefulSet", namespaced: true)
        case .daemonset: Resource(group: "apps", version: "v1", plural: "daemonsets", kind: "DaemonSet", namespaced: true)
        case .cronjob: Resource(group: "batch", version: "v1", plural: "cronjobs", kind: "CronJob", namespaced: true)
        }
    }

    /// Where the pod template's `imagePullSecrets` list lives.
    var pullSecretsPath: [String] {
        kind == .cronjob
            ? ["spec", "jobTemplate", "spec", "template", "spec", "imagePullSecrets"]
            : ["spec", "template", "spec", "imagePullSecrets"]
    }
}
