// HTTPS: the sandbox's throw-away CA verifies its server certificate; bearer tokens and client
// certificates (CN = user) both authenticate.
import AsyncHTTPClient
import Foundation
import KubeSandbox
import NIOSSL
import RegcredCore
import Testing

@Suite struct TLSTests {
    static let certUser = SandboxUser(name: "cert-user", token: "unused-token", rules: [
        PolicyRule(verbs: ["list"], resources: ["namespaces"]),
    ])

    func client(_ sandbox: KubeSandbox, certificateFor user: String? = nil) throws -> HTTPClient {
        let material = try #require(sandbox.tlsMaterial)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(material.caPEM.utf8), format: .pem)])
        if let user, let pair = material.clientCertificates[user] {
            tls.certificateChain = [.certificate(try NIOSSLCertificate(bytes: Array(pair.certificate.utf8), format: .pem))]
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(pair.key.utf8), format: .pem))
        }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
    }

    @Test func httpsServesWithTokenAuthenticationAndTheSandboxCA() async throws {
        var options = KubeSandbox.Options()
        options.tls = true
        try await withSandbox(options) { sandbox, _ in
            #expect(sandbox.url.hasPrefix("https://127.0.0.1:"))
            let http = try client(sandbox)
            let response = try await SandboxClient(sandbox, http: http).get("/api/v1/namespaces")
            try await http.shutdown()
            #expect(response.status == 200)
            #expect(sandbox.kubeconfigYAML().contains("certificate-authority-data: "))
        }
    }

    @Test func clientCertificateAuthenticatesAsItsCommonName() async throws {
        var options = KubeSandbox.Options()
        options.tls = true
        options.users = [.admin, Self.certUser]
        try await withSandbox(options) { sandbox, _ in
            let http = try client(sandbox, certificateFor: "cert-user")
            let api = SandboxClient(sandbox, token: nil, http: http)
            let allowed = try await api.get("/api/v1/namespaces")
            let denied = try await api.get("/api/v1/namespaces/default")
            let anonymous = try client(sandbox)
            let unauthenticated = try await SandboxClient(sandbox, token: nil, http: anonymous).get("/api/v1/namespaces")
            try await http.shutdown()
            try await anonymous.shutdown()
            #expect(allowed.status == 200)
            #expect(denied.message == #"namespaces "default" is forbidden: User "cert-user" cannot get resource "namespaces" in API group "" at the cluster scope"#)
            #expect(unauthenticated.status == 401)
        }
    }
}
