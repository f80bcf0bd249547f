// ObjectMeta: the metadata every persisted Kubernetes object carries. Fields we do not model
// (managedFields, deletionGracePeriodSeconds, …) stay in `raw` and are written back unchanged.
import Foundation
import RegcredCore

public struct ObjectMeta: JSONRepresentable, Codable, Equatable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: Date?
    public var deletionTimestamp: Date?
    public var labels: [String: String]
    public var annotations: [String: String]
    public var finalizers: [String]
    public var ownerReferences: [OwnerReference]
    /// The tree this value was decoded from; known fields are overlaid on it when encoding.
    public var raw: JSONValue

    public init(
        name: String? = nil, generateName: String? = nil, namespace: String? = nil,
        labels: [String: String] = [:], annotations: [String: String] = [:]
    ) {
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.finalizers = []
        self.ownerReferences = []
        self.raw = .object([:])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        name = try reader.optional("name")
        generateName = try reader.optional("generateName")
        namespace = try reader.optional("namespace")
        uid = try reader.optional("uid")
        resourceVersion = try reader.optional("resourceVersion")
        generation = try reader.optional("generation")
        creationTimestamp = try reader.optional("creationTimestamp")
        deletionTimestamp = try reader.optional("deletionTimestamp")
        labels = try reader.optional("labels") ?? [:]
        annotations = try reader.optional("annotations") ?? [:]
        finalizers = try reader.optional("finalizers") ?? []
        ownerReferences = try reader.optional("ownerReferences") ?? []
        raw = json == .null ? .object([:]) : json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("name", name)
        writer.set("generateName", generateName)
        writer.set("namespace", namespace)
        writer.set("uid", uid)
        writer.set("resourceVersion", resourceVersion)
        writer.set("generation", generation)
        // Timestamps are server-set; keep the server's spelling when unchanged.
        if creationTimestamp != (try? raw["creationTimestamp"].map(Date.init(json:))) {
            writer.set("creationTimestamp", creationTimestamp)
        }
        if deletionTimestamp != (try? raw["deletionTimestamp"].map(Date.init(json:))) {
            writer.set("deletionTimestamp", deletionTimestamp)
        }
        writer.setNonEmpty("labels", labels)
        writer.setNonEmpty("annotations", annotations)
        writer.setNonEmpty("finalizers", finalizers)
        writer.setNonEmpty("ownerReferences", ownerReferences)
        return writer.json
    }
}
