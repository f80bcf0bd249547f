// PodStatus: the phase and container statuses of a pod, read-only for regcred.
import RegcredCore

public struct PodStatus: JSONRepresentable, Codable, Equatable {
    public var phase: String?
    public var containerStatuses: [ContainerStatus]
    public var initContainerStatuses: [ContainerStatus]
    public var raw: JSONValue

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        phase = try reader.optional("phase")
        containerStatuses = try reader.optional("containerStatuses") ?? []
        initContainerStatuses = try reader.optional("initContainerStatuses") ?? []
        raw = json == .null ? .object([:]) : json
    }

    public var json: JSONValue { raw }
}
