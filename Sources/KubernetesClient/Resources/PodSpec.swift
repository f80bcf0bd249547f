// PodSpec: images, pull secrets and the service account: what decides whether a pull works.
import RegcredCore

public struct PodSpec: JSONRepresentable, Codable, Equatable {
    public var containers: [Container]
    public var initContainers: [Container]
    /// Debug containers added with `kubectl debug`; their images are pulled like any other.
    public var ephemeralContainers: [Container]
    public var imagePullSecrets: [LocalObjectReference]
    public var serviceAccountName: String?
    public var raw: JSONValue

    public init(containers: [Container] = [], initContainers: [Container] = [], ephemeralContainers: [Container] = [], imagePullSecrets: [LocalObjectReference] = [], serviceAccountName: String? = nil) {
        self.containers = containers
        self.initContainers = initContainers
        self.ephemeralContainers = ephemeralContainers
        self.imagePullSecrets = imagePullSecrets
        self.serviceAccountName = serviceAccountName
        self.raw = .object([:])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        containers = try reader.optional("containers") ?? []
        initContainers = try reader.optional("initContainers") ?? []
        ephemeralContainers = try reader.optional("ephemeralContainers") ?? []
        imagePullSecrets = try reader.optional("imagePullSecrets") ?? []
        serviceAccountName = try reader.optional("serviceAccountName")
        raw = json == .null ? .object([:]) : json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("containers", containers)
        writer.setNonEmpty("initContainers", initContainers)
        writer.setNonEmpty("ephemeralContainers", ephemeralContainers)
        writer.setNonEmpty("imagePullSecrets", imagePullSecrets)
        writer.set("serviceAccountName", serviceAccountName)
        return writer.json
    }
}
