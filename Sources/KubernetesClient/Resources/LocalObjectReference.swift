// LocalObjectReference: a reference by name within the same namespace (imagePullSecrets).
import RegcredCore

public struct LocalObjectReference: JSONRepresentable, Codable, Hashable {
    public var name: String
    public var raw: JSONValue

    public init(name: String) {
        self.name = name
        self.raw = .object([:])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        name = try JSONObjectReader(json).optional("name") ?? ""
        raw = json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("name", name)
        return writer.json
    }
}
