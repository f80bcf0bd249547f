// StatusDetails: which object a Status is about, why exactly (causes), and when to retry.
import RegcredCore

public struct StatusDetails: JSONRepresentable, Codable, Equatable {
    public var name: String?
    public var group: String?
    public var kind: String?
    public var uid: String?
    public var causes: [StatusCause]
    public var retryAfterSeconds: Int?

    public init(name: String? = nil, group: String? = nil, kind: String? = nil, causes: [StatusCause] = [], retryAfterSeconds: Int? = nil) {
        self.name = name
        self.group = group
        self.kind = kind
        self.causes = causes
        self.retryAfterSeconds = retryAfterSeconds
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        name = try reader.optional("name")
        group = try reader.optional("group")
        kind = try reader.optional("kind")
        uid = try reader.optional("uid")
        causes = try reader.optional("causes") ?? []
        retryAfterSeconds = try reader.optional("retryAfterSeconds")
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(.object([:]))
        writer.set("name", name)
        writer.set("group", group)
        writer.set("kind", kind)
        writer.set("uid", uid)
        writer.setNonEmpty("causes", causes)
        writer.set("retryAfterSeconds", retryAfterSeconds)
        return writer.json
    }
}
