// Namespace (core/v1): cluster-scoped; regcred targets namespaces and reads their phase.
import RegcredCore

public struct Namespace: KnownResource, Equatable {
    public static let resource = Resource.namespaces
    public var metadata: ObjectMeta
    /// `Active` or `Terminating` (status.phase).
    public var phase: String?
    public var raw: JSONValue

    public init(metadata: ObjectMeta) {
        self.metadata = metadata
        self.raw = .object([:])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        metadata = try reader.optional("metadata") ?? ObjectMeta()
        let status = try JSONObjectReader(reader.members["status"] ?? .null)
        do { phase = try status.optional("phase") } catch { throw error.prefixed(with: "status") }
        raw = json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("metadata", metadata)
        if phase != raw["status"]?["phase"]?.stringValue {
            var status = JSONObjectWriter(raw["status"] ?? .object([:]))
            status.set("phase", phase)
            writer.members["status"] = status.json
        }
        return writer.json
    }
}
