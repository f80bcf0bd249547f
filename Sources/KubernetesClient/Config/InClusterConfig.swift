// InClusterConfig: the configuration a pod gets from Kubernetes: the API server address in
// KUBERNETES_SERVICE_HOST/PORT and the service account's token, CA and namespace files.
import Foundation

public struct InClusterConfig: Sendable {
    public static let defaultRoot = "/var/run/secrets/kubernetes.io/serviceaccount"

    public var environment: [String: String]
    /// The service-account folder; tests point it at a temporary directory.
    public var root: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, root: String = InClusterConfig.defaultRoot) {
        self.environment = environment
        self.root = root
    }

    public var isAvailable: Bool {
        !(environment["KUBERNETES_SERVICE_HOST"] ?? "").isEmpty && !(environment["KUBERNETES_SERVICE_PORT"] ?? "").isEmpty
    }

    public func clientConfig() throws(KubeconfigError) -> ClientConfig {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw .notInCluster(detail: "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set")
        }
        let tokenFile = (root as NSString).appendingPathComponent("token")
        guard FileManager.default.fileExists(atPath: tokenFile) else {
            throw .notInCluster(detail: "no service account token at \(tokenFile) (is automountServiceAccountToken false?)")
        }
        let caFile = (root as NSString).appendingPathComponent("ca.crt")
        guard let ca = FileManager.default.contents(atPath: caFile) else {
            throw .notInCluster(detail: "no cluster CA at \(caFile)")
        }
        let namespaceFile = (root as NSString).appendingPathComponent("namespace")
        let namespace = FileManager.default.contents(atPath: namespaceFile)
            .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
            .flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        // An IPv6 service address needs brackets in a URL.
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let server = "https://\(hostPart):\(port)"
        var config = ClientConfig(
            server: server, certificateAuthorityPEM: ca, credentials: ClientCredentials(tokenFile: tokenFile),
            namespace: namespace, origin: "in-cluster service account \(root)")
        config.execClusterInfo = nil
        return config
    }
}
