// ContainerStatus: per-container state; `waiting.reason` carries ImagePullBackOff/ErrImagePull.
import RegcredCore

public struct ContainerStatus: JSONRepresentable, Codable, Equatable {
    public var name: String
    public var image: String?
    public var ready: Bool?
    public var restartCount: Int?
    /// `state.waiting.reason`, e.g. ImagePullBackOff.
    public var waitingReason: String?
    /// `state.waiting.message`: the kubelet's explanation of a failed pull.
    public var waitingMessage: String?
    public var raw: JSONValue

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        name = try reader.optional("name") ?? ""
        image = try reader.optional("image")
        ready = try reader.optional("ready")
        restartCount = try reader.optional("restartCount")
        let waiting = json["state"]?["waiting"]
        waitingReason = waiting?["reason"]?.stringValue
        waitingMessage = waiting?["message"]?.stringValue
        raw = json
    }

    /// Status is written by the kubelet; we only pass it through.
    public var json: JSONValue { raw }
}
