// The two serialisations of registry credentials that Kubernetes pull secrets carry.

/// `.dockerconfigjson` wraps entries in `{"auths": …}`; the legacy `.dockercfg` is the bare map.
public enum DockerConfigFormat: String, Sendable, CaseIterable {
    case dockerConfigJSON = "dockerconfigjson"
    case dockercfg

    /// The Secret `type` that carries this format.
    public var secretType: String {
        switch self {
        case .dockerConfigJSON: "kubernetes.io/dockerconfigjson"
        case .dockercfg: "kubernetes.io/dockercfg"
        }
    }

    /// The key under `data` that holds the document in such a Secret.
    public var secretKey: String {
        switch self {
        case .dockerConfigJSON: ".dockerconfigjson"
        case .dockercfg: ".dockercfg"
        }
    }

    public init?(secretType: String) {
        guard let format = Self.allCases.first(where: { $0.secretType == secretType }) else { return nil }
        self = format
    }
}
