// Lease (coordination.k8s.io/v1): the lock object for leader election.
import RegcredCore

public struct Lease: KnownResource, Equatable {
    public static let resource = Resource.leases
    public var metadata: ObjectMeta
    public var spec: LeaseSpec
    public var raw: JSONValue

    public init(metadata: ObjectMeta, spec: LeaseSpec = LeaseSpec()) {
        self.metadata = metadata
        self.spec = spec
        self.raw = .object([:])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        metadata = try reader.optional("metadata") ?? ObjectMeta()
        spec = try reader.optional("spec") ?? LeaseSpec()
        raw = json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("metadata", metadata)
        writer.set("spec", spec)
        return writer.json
    }
}
