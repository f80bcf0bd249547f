// ResourceQuotaAdmission: the object-count part of the API server's ResourceQuota admission
// plugin. A create in a namespace whose quota's `spec.hard` limits that kind's count
// (`count/secrets`, or the core shorthand `secrets`, `configmaps`, `services`) beyond what
// exists is refused with 403 and the real server's message. Usage is counted live here; the
// real server reads it from `status.used`, which its quota controller keeps current.
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
    /// quotas and how many such objects exist; nil when every quota allows it.
    static func check(
        creating name: String, of type: ResourceType, quotas: [JSONValue], existing used: Int
    ) -> APIError? {
        let keys = countKeys(for: type)
        for quota in quotas.sorted(by: { ($0["metadata"]?["name"]?.stringValue ?? "") < ($1["metadata"]?["name"]?.stringValue ?? "") }) {
            guard let hard = quota["spec"]?["hard"]?.objectValue else { continue }
            for key in keys {
                guard let value = hard[key], let limit = Self.count(value) else { continue }
                if used + 1 > limit {
                    let quotaName = quota["metadata"]?["name"]?.stringValue ?? ""
                    return APIError.forbidden(
                        type, name,
                        "exceeded quota: \(quotaName), requested: \(key)=1, used: \(key)=\(used), limited: \(key)=\(limit)")
                }
            }
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
