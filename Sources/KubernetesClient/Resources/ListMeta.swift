// ListMeta: the metadata of a list response: where to resume a watch and how to fetch the next page.
import RegcredCore

public struct ListMeta: JSONRepresentable, Codable, Equatable {
    public var resourceVersion: String?
    /// Opaque token for the next page; `nil` or empty on the last page.
    public var `continue`: String?
    public var remainingItemCount: Int64?

    public init(resourceVersion: String? = nil, continue token: String? = nil, remainingItemCount: Int64? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = token
        self.remainingItemCount = remainingItemCount
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        resourceVersion = try reader.optional("resourceVersion")
        self.continue = try reader.optional("continue")
        remainingItemCount = try reader.optional("remainingItemCount")
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(.object([:]))
        writer.set("resourceVersion", resourceVersion)
        writer.set("continue", self.continue)
        writer.set("remainingItemCount", remainingItemCount)
        return writer.json
    }
}
