// ObjectReference: a full reference to another object (ServiceAccount.secrets, Event.regarding).
import RegcredCore

public struct ObjectReference: JSONRepresentable, Codable, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var namespace: String?
    public var name: String?
    public var uid: String?
    public var resourceVersion: String?
    public var fieldPath: String?
    public var raw: JSONValue

    public init(apiVersion: String? = nil, kind: String? = nil, namespace: String? = nil, name: String? = nil, uid: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.raw = .object([:])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        apiVersion = try reader.optional("apiVersion")
        kind = try reader.optional("kind")
        namespace = try reader.optional("namespace")
        name = try reader.optional("name")
        uid = try reader.optional("uid")
        resourceVersion = try reader.optional("resourceVersion")
        fieldPath = try reader.optional("fieldPath")
        raw = json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("apiVersion", apiVersion)
        writer.set("kind", kind)
        writer.set("namespace", namespace)
        writer.set("name", name)
        writer.set("uid", uid)
        writer.set("resourceVersion", resourceVersion)
        writer.set("fieldPath", fieldPath)
        return writer.json
    }
}
