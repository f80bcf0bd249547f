// ResourceQuotaAdmission: the object-count part of the API server's ResourceQuota admission
// plugin. A create in a namespace whose quota's `spec.hard` limits that kind's count
// (`count/secrets`, or the core shorthand `secrets`, `configmaps`, `services`) beyond what
// exists is refused with 403 and the real server's message (plugin/resourcequota's
// checkQuotas). Usage is counted live here; the real server reads it from `status.used`, which
// its quota controller keeps current, and prints quantities in canonical form (1000 as "1k").
import RegcredCore

enum ResourceQuotaAdmission {
    /// Core kinds whose count can be limited without the `count/` prefix.
    static let legacyCountNames: Set<String> = ["secrets", "configmaps", "services", "persistentvolumeclaims", "replicationcontrollers", "resourcequotas"]

    /// The quota keys that limit the count of `type`.
    static func countKeys(for type: ResourceType) -> [String] {
        let qualified = type.group.isEmpty ? type.plural : "\(type.plural).\(type.group)"
        var keys = ["count/\(qualified)"]
        if type.group.isEmpty, legacyCountNames.contains(type.plural) { keys.append(type.plural) }
        return keys
    }

    /// The refusal for creating one more object of `type` named `name`, given the namespace's
    /// quotas and how many such objects exist; nil when every quota allows it. Like the plugin,
    /// the first quota exceeded is named, with every one of its limits that the create exceeds.
    static func check(
        creating name: String, of type: ResourceType, quotas: [JSONValue], existing used: Int
    ) -> APIError? {
        let keys = countKeys(for: type)
        for quota in quotas.sorted(by: { ($0["metadata"]?["name"]?.stringValue ?? "") < ($1["metadata"]?["name"]?.stringValue ?? "") }) {
            guard let hard = quota["spec"]?["hard"]?.objectValue else { continue }
            let exceeded = keys.sorted().compactMap { key -> (key: String, limit: String)? in
                guard let value = hard[key], let limit = Self.count(value), used + 1 > limit else { return nil }
                return (key, value.stringValue ?? String(limit))
            }
            guard !exceeded.isEmpty else { continue }
            func list(_ value: (String, String) -> String) -> String { exceeded.map { value($0.key, $0.limit) }.joined(separator: ",") }
            let quotaName = quota["metadata"]?["name"]?.stringValue ?? ""
            return APIError.forbidden(
                type, name,
                "exceeded quota: \(quotaName), requested: \(list { k, _ in "\(k)=1" }), used: \(list { k, _ in "\(k)=\(used)" }), limited: \(list { k, l in "\(k)=\(l)" })")
        }
        return nil
    }

    /// A count quantity ("0", "10", "1k"); nil for what is not a plain count.
    static func count(_ value: JSONValue) -> Int? {
        switch value {
        case .integer(let number): return Int(number)
        case .string(let text):
            if let number = Int(text) { return number }
            if text.hasSuffix("k"), let number = Int(text.dropLast()) { return number * 1000 }
            return nil
        default: return nil
        }
    }
}
