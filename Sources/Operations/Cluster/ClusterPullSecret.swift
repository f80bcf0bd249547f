// ClusterPullSecret (regcred.dev/v1alpha1) as a typed object of the Kubernetes client: the spec
// kept as the JSON the server holds (so a malformed one is reported, not dropped) and the
// status as RegcredCore's value.
import Foundation
import KubernetesClient
import RegcredCore

public struct ClusterPullSecret: KnownResource, Equatable {
    public static let resource = Resource(
        group: "regcred.dev", version: "v1alpha1", plural: "clusterpullsecrets", kind: "ClusterPullSecret", namespaced: false)

    public var metadata: ObjectMeta
    public var spec: JSONValue
    public var status: ClusterPullSecretStatus?
    public var raw: JSONValue

    public init(metadata: ObjectMeta, spec: ClusterPullSecretSpec) {
        self.metadata = metadata
        self.spec = (try? JSONValue(encoding: spec)) ?? .object([:])
        self.status = nil
        self.raw = .object(["apiVersion": "regcred.dev/v1alpha1", "kind": "ClusterPullSecret"])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        metadata = try json["metadata"].map { json throws(ResourceDecodingError) in try ObjectMeta(json: json) } ?? ObjectMeta()
        spec = json["spec"] ?? .object([:])
        if let statusJSON = json["status"], statusJSON != .null {
            status = try? JSONDecoder().decode(ClusterPullSecretStatus.self, from: statusJSON.encoded())
        } else {
            status = nil
        }
        raw = json
    }

    public var json: JSONValue {
        var tree = raw.objectValue == nil ? JSONValue.object([:]) : raw
        tree["metadata"] = metadata.json
        tree["spec"] = spec
        if let status, let encoded = try? JSONValue(encoding: status) {
            tree["status"] = encoded
        }
        return tree
    }

    /// The spec as typed values, or why it cannot be read (a field of the wrong type).
    public func decodedSpec() -> Result<ClusterPullSecretSpec, InvalidSpec> {
        do {
            return .success(try JSONDecoder().decode(ClusterPullSecretSpec.self, from: spec.encoded()))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = (["spec"] + context.codingPath.map(\.stringValue)).joined(separator: ".")
            return .failure(InvalidSpec(name: metadata.name ?? "", problems: ["\(path): \(context.debugDescription)"]))
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (["spec"] + context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            return .failure(InvalidSpec(name: metadata.name ?? "", problems: ["\(path) is required"]))
        } catch {
            return .failure(InvalidSpec(name: metadata.name ?? "", problems: ["spec: \(error)"]))
        }
    }
}

extension ClusterPullSecret {
    /// The names under which this ClusterPullSecret may have secrets: its `spec.secretName` (or
    /// the default) first, then earlier names its status says are not cleaned up yet.
    public var secretNamesInUse: [String] {
        let name = metadata.name ?? ""
        var current = ClusterPullSecretPolicy.defaultSecretName(for: name)
        if case .success(let spec) = decodedSpec(), let explicit = spec.secretName { current = explicit }
        return [current] + (status?.secretNames ?? []).filter { $0 != current }
    }
}
