// OwnerReference: a link from a dependent object to its owner, for garbage collection.
import RegcredCore

public struct OwnerReference: JSONRepresentable, Codable, Equatable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?
    public var raw: JSONValue

    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil, blockOwnerDeletion: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
        self.raw = .object([:])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        apiVersion = try reader.required("apiVersion")
        kind = try reader.required("kind")
        name = try reader.required("name")
        uid = try reader.required("uid")
        controller = try reader.optional("controller")
        blockOwnerDeletion = try reader.optional("blockOwnerDeletion")
        raw = json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("apiVersion", apiVersion)
        writer.set("kind", kind)
        writer.set("name", name)
        writer.set("uid", uid)
        writer.set("controller", controller)
        writer.set("blockOwnerDeletion", blockOwnerDeletion)
        return writer.json
    }
}
