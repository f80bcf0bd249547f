// KubernetesObject: what every typed object offers: metadata, conversion to and from the JSON
// tree (keeping unknown fields), and Codable through that tree.
import RegcredCore

public protocol KubernetesObject: JSONRepresentable, Codable, CacheableObject {
    var metadata: ObjectMeta { get set }
}

extension KubernetesObject {
    public var name: String? { metadata.name }
    public var namespace: String? { metadata.namespace }
    public var resourceVersion: String? { metadata.resourceVersion }
}
