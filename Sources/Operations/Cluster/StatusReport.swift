// `regcred status`: every ClusterPullSecret with its registries, namespaces, expiry and conditions.
import Foundation
import KubernetesClient
import RegcredCore

public enum StatusReport {
    public static func render(_ items: [ClusterPullSecret], as format: ShowOutputFormat, now: Date) -> String {
        switch format {
        case .json:
            return JSONValue.array(items.map { item in
                var json = item.json
                json["kind"] = "ClusterPullSecret"
                json["apiVersion"] = "regcred.dev/v1alpha1"
                return json
            }).encodedString(pretty: true) + "\n"
        case .table:
            var table = TextTable(headers: ["NAME", "SOURCE", "REGISTRIES", "SYNCED", "FAILED", "READY", "REASON", "EXPIRES", "AGE"])
            for item in items.sorted(by: { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }) {
                let spec = try? item.decodedSpec().get()
                let registries = ([spec?.profile.map { "profile:\($0)" }].compactMap { $0 } + (spec?.registries ?? [])).joined(separator: ",")
                let counts = item.status?.namespaces
                let ready = item.status?.condition("Ready")
                let expires = item.status?.expiresAt.flatMap(RFC3339.parse).map { RelativeExpiry.describe($0, now: now) } ?? "unknown"
                let age = item.metadata.creationTimestamp.map { RelativeExpiry.duration(Int(now.timeIntervalSince($0))) } ?? "-"
                let source = spec?.source.configuredKinds.first ?? "-"
                table.append([
                    item.metadata.name ?? "", source, registries.isEmpty ? (spec?.source.namesItsOwnRegistries == true ? "(from \(source))" : "-") : registries,
                    counts.map { "\($0.synced)/\($0.targeted)" } ?? "-", counts.map { String($0.failed) } ?? "-",
                    ready?.status.rawValue ?? "Unknown", ready?.reason ?? "-", expires, age,
                ])
            }
            var text = table.rendered()
            for item in items {
                // Problems that Ready does not show: a source outage or a failed check while the
                // last good credentials still serve.
                for type in ["SourceAvailable", "Verified"] {
                    if let condition = item.status?.condition(type), condition.status == .false {
                        text += "\(item.metadata.name ?? ""): \(type)=False (\(condition.reason)): \(condition.message)\n"
                    }
                }
                for failure in item.status?.namespaces?.failures ?? [] {
                    text += "\(item.metadata.name ?? ""): \(failure.namespace): \(failure.reason)\n"
                }
            }
            return text
        }
    }
}
