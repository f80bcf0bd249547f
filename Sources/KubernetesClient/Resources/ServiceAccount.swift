// ServiceAccount (core/v1): regcred adds its pull secret to `imagePullSecrets`, an atomic list
// (a patch replaces it whole, so we always send the full list).
import RegcredCore

public struct ServiceAccount: KnownResource, Equatable {
    public static let resource = Resource.serviceAccounts
    public var metadata: ObjectMeta
    public var imagePullSecrets: [LocalObjectReference]
    public var secrets: [ObjectReference]
    public var automountServiceAccountToken: Bool?
    public var raw: JSONValue

    public init(metadata: ObjectMeta, imagePullSecrets: [LocalObjectReference] = [], secrets: [ObjectReference] = []) {
        self.metadata = metadata
        self.imagePullSecrets = imagePullSecrets
        self.secrets = secrets
        self.raw = .object([:])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        metadata = try reader.optional("metadata") ?? ObjectMeta()
        imagePullSecrets = try reader.optional("imagePullSecrets") ?? []
        secrets = try reader.optional("secrets") ?? []
        automountServiceAccountToken = try reader.optional("automountServiceAccountToken")
        raw = json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("metadata", metadata)
        writer.setNonEmpty("imagePullSecrets", imagePullSecrets)
        writer.setNonEmpty("secrets", secrets)
        writer.set("automountServiceAccountToken", automountServiceAccountToken)
        return writer.json
    }
}
