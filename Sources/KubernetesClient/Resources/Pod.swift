// Pod (core/v1): read by `doctor` to explain why an image cannot be pulled.
import RegcredCore

public struct Pod: KnownResource, Equatable {
    public static let resource = Resource.pods
    public var metadata: ObjectMeta
    public var spec: PodSpec
    public var status: PodStatus?
    public var raw: JSONValue

    public init(metadata: ObjectMeta, spec: PodSpec) {
        self.metadata = metadata
        self.spec = spec
        self.raw = .object([:])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        metadata = try reader.optional("metadata") ?? ObjectMeta()
        spec = try reader.optional("spec") ?? PodSpec()
        status = try reader.optional("status")
        raw = json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("metadata", metadata)
        writer.set("spec", spec)
        writer.set("status", status)
        return writer.json
    }
}
