// In-cluster configuration from the service-account folder and the service environment.
import Foundation
import Testing
@testable import KubernetesClient

@Suite struct InClusterConfigTests {
    @Test func readsHostPortCANamespaceAndKeepsTheTokenFile() throws {
        let folder = try TemporaryFolder()
        try folder.write("token", "sa-token\n")
        try folder.write("ca.crt", "CA")
        try folder.write("namespace", "regcred-system\n")
        let config = try InClusterConfig(
            environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"], root: folder.path
        ).clientConfig()
        #expect(config.server == "https://10.0.0.1:443")
        #expect(config.certificateAuthorityPEM == Data("CA".utf8))
        #expect(config.namespace == "regcred-system")
        #expect(config.credentials.tokenFile == folder.path + "/token")
    }

    @Test func ipv6HostsAreBracketed() throws {
        let folder = try TemporaryFolder()
        try folder.write("token", "t")
        try folder.write("ca.crt", "CA")
        let config = try InClusterConfig(environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"], root: folder.path).clientConfig()
        #expect(config.server == "https://[fd00::1]:443")
        #expect(config.namespace == "default")
    }

    @Test func outsideAClusterTheErrorSaysWhy() throws {
        let error = #expect(throws: KubeconfigError.self) { try InClusterConfig(environment: [:], root: "/nonexistent").clientConfig() }
        #expect(error?.description == "not running in a Kubernetes cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set")
    }

    @Test func kubeconfigWinsOverInClusterWhenPresent() throws {
        let folder = try TemporaryFolder()
        try folder.write("sa/token", "t")
        try folder.write("sa/ca.crt", "CA")
        let env = ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let inCluster = InClusterConfig(environment: env, root: folder.path + "/sa")
        let viaInCluster = try ClientConfig.load(kubeconfig: KubeconfigLoader(environment: env, homeDirectory: folder.path), inCluster: inCluster)
        #expect(viaInCluster.server == "https://10.0.0.1:443")
        try folder.write(".kube/config", KubeconfigLoaderTests.first)
        try folder.write(".kube/certs/ca.pem", "CA")
        let viaKubeconfig = try ClientConfig.load(kubeconfig: KubeconfigLoader(environment: env, homeDirectory: folder.path), inCluster: inCluster)
        #expect(viaKubeconfig.server == "https://first.example:6443")
    }

    @Test func tokenFileIsReReadWhenItChanges() async throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("token", "one")
        let source = TokenFileSource(path: path)
        #expect(try await source.token().value == "one")
        try await Task.sleep(for: .milliseconds(20))
        try folder.write("token", "two-rotated")
        #expect(try await source.token().value == "two-rotated")
    }
}
