// Building a Kubernetes Secret manifest that carries a docker config.
import Foundation

public enum PullSecretManifest {
    /// A Secret as `kubectl create secret docker-registry --dry-run=client` prints it (without the
    /// null creationTimestamp): apiVersion, kind, metadata, type, and the config under `data`.
    public static func make(name: String, namespace: String?, config: DockerConfig) -> JSONValue {
        var metadata: [String: JSONValue] = ["name": .string(name)]
        if let namespace { metadata["namespace"] = .string(namespace) }
        return .object([
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": .object(metadata),
            "type": .string(config.format.secretType),
            "data": .object([config.format.secretKey: .string(config.encoded().base64EncodedString())]),
        ])
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
