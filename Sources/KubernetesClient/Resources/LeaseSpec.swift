// LeaseSpec: who holds a lease and until when; leader election reads and renews it.
import RegcredCore

public struct LeaseSpec: JSONRepresentable, Codable, Equatable {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int?
    public var acquireTime: MicroTime?
    public var renewTime: MicroTime?
    public var leaseTransitions: Int?
    public var raw: JSONValue

    public init(holderIdentity: String? = nil, leaseDurationSeconds: Int? = nil, acquireTime: MicroTime? = nil, renewTime: MicroTime? = nil, leaseTransitions: Int? = nil) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
        self.raw = .object([:])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        holderIdentity = try reader.optional("holderIdentity")
        leaseDurationSeconds = try reader.optional("leaseDurationSeconds")
        acquireTime = try reader.optional("acquireTime")
        renewTime = try reader.optional("renewTime")
        leaseTransitions = try reader.optional("leaseTransitions")
        raw = json == .null ? .object([:]) : json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("holderIdentity", holderIdentity)
        writer.set("leaseDurationSeconds", leaseDurationSeconds)
        writer.set("acquireTime", acquireTime)
        writer.set("renewTime", renewTime)
        writer.set("leaseTransitions", leaseTransitions)
        return writer.json
    }
}
