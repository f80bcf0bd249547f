// Container: the part of a pod's container spec that `doctor` needs: its name and image.
import RegcredCore

public struct Container: JSONRepresentable, Codable, Equatable {
    public var name: String
    public var image: String?
    public var raw: JSONValue

    public init(name: String, image: String? = nil) {
        self.name = name
        self.image = image
        self.raw = .object([:])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        name = try reader.optional("name") ?? ""
        image = try reader.optional("image")
        raw = json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("name", name)
        writer.set("image", image)
        return writer.json
    }
}
