// Kubeconfig loading as kubectl does it: merge rules, context choice, relative paths, errors.
import Foundation
import Testing
@testable import KubernetesClient

@Suite struct KubeconfigLoaderTests {
    static let first = """
    apiVersion: v1
    kind: Config
    current-context: alpha
    clusters:
    - name: shared
      cluster: {server: "https://first.example:6443", certificate-authority: certs/ca.pem}
    - name: only-first
      cluster: {server: "https://only-first.example"}
    users:
    - name: me
      user: {token: first-token}
    contexts:
    - name: alpha
      context: {cluster: shared, user: me, namespace: team-a}
    """

    static let second = """
    current-context: beta
    clusters:
    - name: shared
      cluster: {server: "https://second.example:6443"}
    - name: only-second
      cluster: {server: "https://only-second.example", insecure-skip-tls-verify: true}
    users:
    - name: me
      user: {token: second-token}
    contexts:
    - name: beta
      context: {cluster: only-second, user: me}
    """

    @Test func firstFileToDefineANameWinsAcrossTheKUBECONFIGList() throws {
        let folder = try TemporaryFolder()
        let a = try folder.write("a/config", Self.first)
        let b = try folder.write("b/config", Self.second)
        let loader = KubeconfigLoader(environment: ["KUBECONFIG": "\(a):\(b)"], homeDirectory: folder.path)
        let merged = try loader.load()
        #expect(merged.clusters["shared"]?.server == "https://first.example:6443")
        #expect(merged.clusters["only-second"]?.server == "https://only-second.example")
        #expect(merged.users["me"]?.token?.value == "first-token")
        #expect(merged.contexts.keys.sorted() == ["alpha", "beta"])
    }

    @Test func currentContextComesFromTheFirstFileThatSetsIt() throws {
        let folder = try TemporaryFolder()
        let a = try folder.write("a", "clusters: []\n")
        let b = try folder.write("b", Self.second)
        let c = try folder.write("c", Self.first)
        let merged = try KubeconfigLoader(environment: ["KUBECONFIG": "\(a):\(b):\(c)"], homeDirectory: folder.path).load()
        #expect(merged.currentContext == "beta")
    }

    @Test func missingFilesInTheKUBECONFIGListAreSkipped() throws {
        let folder = try TemporaryFolder()
        let b = try folder.write("b", Self.second)
        let config = try KubeconfigLoader(environment: ["KUBECONFIG": "/nonexistent/x::\(b)"], homeDirectory: folder.path).clientConfig()
        #expect(config.server == "https://only-second.example")
        #expect(config.insecureSkipTLSVerify)
    }

    @Test func explicitKubeconfigIsNotMergedWithKUBECONFIG() throws {
        let folder = try TemporaryFolder()
        let a = try folder.write("a", Self.first)
        let b = try folder.write("b", Self.second)
        let merged = try KubeconfigLoader(explicitPath: b, environment: ["KUBECONFIG": a], homeDirectory: folder.path).load()
        #expect(merged.clusters["only-first"] == nil)
        #expect(merged.currentContext == "beta")
    }

    @Test func explicitKubeconfigMustExist() throws {
        let loader = KubeconfigLoader(explicitPath: "/nonexistent/kubeconfig", environment: [:], homeDirectory: "/nonexistent")
        #expect(throws: KubeconfigError.fileNotFound(path: "/nonexistent/kubeconfig")) { try loader.load() }
    }

    @Test func homeConfigIsTheFallback() throws {
        let folder = try TemporaryFolder()
        try folder.write(".kube/config", Self.first)
        try folder.write(".kube/certs/ca.pem", "CA PEM")
        let config = try KubeconfigLoader(environment: [:], homeDirectory: folder.path).clientConfig()
        #expect(config.certificateAuthorityPEM == Data("CA PEM".utf8))
        #expect(config.server == "https://first.example:6443")
        #expect(config.namespace == "team-a")
    }

    @Test func noConfigurationAnywhereSaysWhereItLooked() throws {
        let loader = KubeconfigLoader(environment: [:], homeDirectory: "/nonexistent-home")
        let error = #expect(throws: KubeconfigError.self) { try loader.load() }
        #expect(error?.description.contains("/nonexistent-home/.kube/config") == true)
    }

    @Test func relativePathsResolveAgainstTheKubeconfigFolder() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("conf/config", Self.first)
        let merged = try Kubeconfig.load(path: path)
        #expect(merged.clusters["shared"]?.certificateAuthority == folder.path + "/conf/certs/ca.pem")
    }

    @Test func contextFlagPicksAnotherContextAndNamespaceDefaults() throws {
        let folder = try TemporaryFolder()
        let a = try folder.write("a", Self.first)
        let b = try folder.write("b", Self.second)
        let config = try KubeconfigLoader(context: "beta", environment: ["KUBECONFIG": "\(a):\(b)"], homeDirectory: folder.path).resolve(
            KubeconfigLoader(environment: ["KUBECONFIG": "\(a):\(b)"], homeDirectory: folder.path).load())
        #expect(config.server == "https://only-second.example")
        #expect(config.namespace == "default")
        #expect(config.credentials.bearerToken?.value == "first-token")
    }

    @Test func namespaceFlagOverridesTheContext() throws {
        let config = try KubeconfigLoader(namespace: "other", environment: [:]).resolve(try Kubeconfig.parse(Self.secondWithCA, path: "/k"))
        #expect(config.namespace == "other")
    }

    static let secondWithCA = """
    current-context: c
    clusters: [{name: x, cluster: {server: "https://x.example", certificate-authority-data: "\(Data("PEM".utf8).base64EncodedString())"}}]
    users: [{name: u, user: {}}]
    contexts: [{name: c, context: {cluster: x, user: u, namespace: ns}}]
    """

    @Test func unknownContextListsTheAvailableOnes() throws {
        let loader = KubeconfigLoader(context: "foo", environment: [:])
        let config = try Kubeconfig.parse(Self.first, path: "/x")
        #expect(throws: KubeconfigError.contextNotFound(path: "/x", context: "foo", available: ["alpha"])) { try loader.resolve(config) }
        #expect(KubeconfigError.contextNotFound(path: "/x", context: "foo", available: ["b", "a"]).description
            == "kubeconfig /x: context \"foo\" not found; available contexts: a, b")
    }

    @Test(arguments: [
        ("clusters: [{name: c, cluster: {server: 'https://x', certificate-authority-data: '%%%'}}]",
         "kubeconfig /x: cluster \"c\": certificate-authority-data is not valid base64"),
        ("users: [{name: u, user: {client-key-data: 'not base64!'}}]",
         "kubeconfig /x: user \"u\": client-key-data is not valid base64"),
        ("clusters: {name: c}", "kubeconfig /x: clusters must be a list, found an object"),
        ("users: [{name: u, user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1}}}]",
         "kubeconfig /x: user \"u\": exec.interactiveMode is required for client.authentication.k8s.io/v1 (Never, IfAvailable or Always)"),
        ("users: [{name: u, user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1alpha1}}}]",
         "kubeconfig /x: user \"u\": exec.apiVersion \"client.authentication.k8s.io/v1alpha1\" is not supported; use client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1"),
        ("users: [{name: u, user: {auth-provider: {name: gcp}}}]",
         "kubeconfig /x: user \"u\": auth-provider is not supported (removed from kubectl in 1.26); use an exec plugin such as gke-gcloud-auth-plugin or kubelogin"),
        ("contexts: [{context: {cluster: c}}]", "kubeconfig /x: contexts[0].name is required"),
        ("- just a list", "kubeconfig /x: expected a mapping at the top, found an array"),
    ])
    func badFieldsAreNamedInTheError(yaml: String, message: String) throws {
        let error = #expect(throws: KubeconfigError.self) { try Kubeconfig.parse(yaml, path: "/x") }
        #expect(error?.description == message)
    }

    @Test func contextReferencesMustExist() throws {
        let yaml = """
        contexts: [{name: c, context: {cluster: nowhere, user: nobody}}]
        clusters: [{name: here, cluster: {server: "https://h"}}]
        """
        let config = try Kubeconfig.parse(yaml, path: "/x")
        #expect(throws: KubeconfigError.clusterNotFound(path: "/x", context: "c", cluster: "nowhere")) {
            try KubeconfigLoader(context: "c", environment: [:]).resolve(config)
        }
    }

    @Test func aClusterWithoutServerIsRejected() throws {
        let yaml = "current-context: c\ncontexts: [{name: c, context: {cluster: k, user: ''}}]\nclusters: [{name: k, cluster: {}}]\n"
        #expect(throws: KubeconfigError.missingServer(path: "/x", cluster: "k")) {
            try KubeconfigLoader(environment: [:]).resolve(try Kubeconfig.parse(yaml, path: "/x"))
        }
    }

    @Test func noCurrentContextAsksForContextFlag() throws {
        let yaml = "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
        let error = #expect(throws: KubeconfigError.self) { try KubeconfigLoader(environment: [:]).resolve(try Kubeconfig.parse(yaml, path: "/x")) }
        #expect(error?.description.contains("pass --context") == true)
    }

    @Test func clientCertificateFilesAreReadAndTokenFileKept() throws {
        let folder = try TemporaryFolder()
        try folder.write("client.crt", "CERT")
        try folder.write("client.key", "KEY")
        let path = try folder.write("config", """
        current-context: c
        clusters: [{name: k, cluster: {server: "127.0.0.1:6443", tls-server-name: kubernetes}}]
        users: [{name: u, user: {client-certificate: client.crt, client-key: client.key, tokenFile: tok}}]
        contexts: [{name: c, context: {cluster: k, user: u}}]
        """)
        let config = try KubeconfigLoader(explicitPath: path, environment: [:]).clientConfig()
        #expect(config.server == "https://127.0.0.1:6443")
        #expect(config.tlsServerName == "kubernetes")
        #expect(config.credentials.clientCertificatePEM == Data("CERT".utf8))
        #expect(config.credentials.clientKeyPEM?.value == Data("KEY".utf8))
        #expect(config.credentials.tokenFile == folder.path + "/tok")
    }

    @Test func aMissingReferencedFileIsNamed() throws {
        let yaml = """
        current-context: c
        clusters: [{name: k, cluster: {server: "https://k", certificate-authority: ca.pem}}]
        contexts: [{name: c, context: {cluster: k, user: ''}}]
        """
        let error = #expect(throws: KubeconfigError.self) { try KubeconfigLoader(environment: [:]).resolve(try Kubeconfig.parse(yaml, path: "/etc/kube/config")) }
        #expect(error?.description == "kubeconfig /etc/kube/config: cluster \"k\": certificate-authority /etc/kube/ca.pem: no such file")
    }

    @Test func execPluginIsParsedWithCommandResolvedWhenItHasASlash() throws {
        let yaml = """
        users:
        - name: u
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              command: ./bin/plugin
              args: [get-token, --cluster, "42"]
              env: [{name: A, value: b}]
              provideClusterInfo: true
        """
        let config = try Kubeconfig.parse(yaml, path: "/home/me/.kube/config")
        let exec = try #require(config.users["u"]?.exec)
        #expect(exec.command == "/home/me/.kube/bin/plugin")
        #expect(exec.args == ["get-token", "--cluster", "42"])
        #expect(exec.env == [.init(name: "A", value: "b")])
        #expect(exec.interactiveMode == "IfAvailable")
        #expect(exec.provideClusterInfo)
    }

    @Test func tokensNeverShowInDescriptions() throws {
        let config = try Kubeconfig.parse(Self.first, path: "/x")
        #expect(!"\(config)".contains("first-token"))
        #expect(!String(reflecting: config).contains("first-token"))
    }
}
