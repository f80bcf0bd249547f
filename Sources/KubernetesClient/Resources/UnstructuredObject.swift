// UnstructuredObject: any object as a JSON tree with typed metadata, for resources we have no
// struct for (custom resources before their type exists, generic tooling).
import RegcredCore

public struct UnstructuredObject: KubernetesObject, Equatable {
    public var metadata: ObjectMeta
    /// The whole object; `metadata` is overlaid on it when encoding.
    public var raw: JSONValue

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        metadata = try reader.optional("metadata") ?? ObjectMeta()
        raw = json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("metadata", metadata)
        return writer.json
    }

    public subscript(key: String) -> JSONValue? {
        get { raw[key] }
        set { raw[key] = newValue }
    }
}
