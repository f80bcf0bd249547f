// ObjectList: one page of a list response (`SecretList`, `NamespaceList`, …) with typed items.
import RegcredCore

public struct ObjectList<Object: KubernetesObject>: Sendable {
    public var metadata: ListMeta
    public var items: [Object]

    public init(metadata: ListMeta = ListMeta(), items: [Object] = []) {
        self.metadata = metadata
        self.items = items
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        metadata = try reader.optional("metadata") ?? ListMeta()
        items = try reader.optional("items") ?? []
    }

    /// The continue token of the next page, or `nil` on the last page.
    public var continueToken: String? {
        guard let token = metadata.continue, !token.isEmpty else { return nil }
        return token
    }
}
