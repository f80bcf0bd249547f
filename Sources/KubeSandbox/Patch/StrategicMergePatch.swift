// StrategicMergePatch: Kubernetes' strategic merge patch for the fields this sandbox serves.
// Maps merge; a list merges only where the Go type declares `patchStrategy:"merge"` (table
// below, per kind and field path); every other list is atomic and replaced whole, e.g.
// ServiceAccount.imagePullSecrets. Directives: `$patch: replace|delete`,
// `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` (ignored), `$retainKeys`.
import RegcredCore

enum StrategicMergePatch {
    enum ListStrategy: Sendable {
        case mergePrimitives
        case mergeByKey(String)
    }

    /// Field paths (array indexes elided) whose lists merge, from the core/v1 and meta/v1 Go tags.
    static let metadataStrategies: [String: ListStrategy] = [
        "metadata.finalizers": .mergePrimitives,
        "metadata.ownerReferences": .mergeByKey("uid"),
    ]

    static let kindStrategies: [String: [String: ListStrategy]] = [
        "ServiceAccount": ["secrets": .mergeByKey("name")],
        "Pod": [
            "spec.containers": .mergeByKey("name"), "spec.initContainers": .mergeByKey("name"),
            "spec.volumes": .mergeByKey("name"), "spec.imagePullSecrets": .mergeByKey("name"),
            "spec.containers.env": .mergeByKey("name"), "spec.containers.ports": .mergeByKey("containerPort"),
            "spec.containers.volumeMounts": .mergeByKey("mountPath"), "spec.initContainers.env": .mergeByKey("name"),
            "status.conditions": .mergeByKey("type"),
        ],
    ]

    static func apply(_ patch: JSONValue, to target: JSONValue, kind: String) -> JSONValue {
        let strategies = metadataStrategies.merging(kindStrategies[kind] ?? [:]) { a, _ in a }
        return mergeMap(patch, into: target, path: "", strategies: strategies) ?? .object([:])
    }

    /// nil means "delete this map" (`$patch: delete`).
    private static func mergeMap(_ patch: JSONValue, into target: JSONValue, path: String,
                                 strategies: [String: ListStrategy]) -> JSONValue? {
        guard case .object(var patchMembers) = patch else { return patch }
        switch patchMembers.removeValue(forKey: "$patch")?.stringValue {
        case "delete": return nil
        case "replace": return .object(patchMembers)
        default: break
        }
        var result = target.objectValue ?? [:]
        if let retain = patchMembers.removeValue(forKey: "$retainKeys")?.arrayValue {
            let keep = Set(retain.compactMap(\.stringValue))
            result = result.filter { keep.contains($0.key) }
        }
        for (key, value) in patchMembers where key.hasPrefix("$setElementOrder/") {
            _ = value
            patchMembers[key] = nil
        }
        for (key, value) in patchMembers where key.hasPrefix("$deleteFromPrimitiveList/") {
            let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
            let remove = value.arrayValue ?? []
            if let items = result[field]?.arrayValue {
                result[field] = .array(items.filter { !remove.contains($0) })
            }
            patchMembers[key] = nil
        }
        for (key, value) in patchMembers {
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            switch value {
            case .null:
                result[key] = nil
            case .object:
                if let merged = mergeMap(value, into: result[key] ?? .object([:]), path: childPath, strategies: strategies) {
                    result[key] = merged
                } else {
                    result[key] = nil
                }
            case .array(let items):
                result[key] = mergeList(items, into: result[key]?.arrayValue ?? [], strategy: strategies[childPath],
                                        path: childPath, strategies: strategies)
            default:
                result[key] = value
            }
        }
        return .object(result)
    }

    private static func mergeList(_ patch: [JSONValue], into target: [JSONValue], strategy: ListStrategy?,
                                  path: String, strategies: [String: ListStrategy]) -> JSONValue {
        switch strategy {
        case nil:
            // Atomic list; a `$patch: replace` marker element is dropped.
            return .array(patch.filter { $0["$patch"] == nil })
        case .mergePrimitives:
            var result = target
            for item in patch where !result.contains(item) { result.append(item) }
            return .array(result)
        case .mergeByKey(let mergeKey):
            if patch.contains(where: { $0["$patch"]?.stringValue == "replace" }) {
                return .array(patch.filter { $0["$patch"] == nil })
            }
            var result = target
            for item in patch {
                guard let keyValue = item[mergeKey] else { result.append(item); continue }
                let index = result.firstIndex { $0[mergeKey] == keyValue }
                if item["$patch"]?.stringValue == "delete" {
                    if let index { result.remove(at: index) }
                    continue
                }
                if let index {
                    if let merged = mergeMap(item, into: result[index], path: path, strategies: strategies) {
                        result[index] = merged
                    } else {
                        result.remove(at: index)
                    }
                } else {
                    result.append(mergeMap(item, into: .object([:]), path: path, strategies: strategies) ?? item)
                }
            }
            return .array(result)
        }
    }
}
