// Building the NIOSSL TLS configuration from a ClientConfig: which CA to trust, whether to
// verify, and which client certificate to present (static, or one an exec plugin returned).
import Foundation
import NIOSSL
import RegcredCore

extension ClientConfig {
    /// `identity` overrides the kubeconfig's client certificate (exec plugins return their own).
    func makeTLSConfiguration(identity: (certificate: Data, key: Redacted<Data>)? = nil) throws(AuthenticationError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if insecureSkipTLSVerify {
            tls.certificateVerification = .none
        } else if let ca = certificateAuthorityPEM {
            let roots: [NIOSSLCertificate]
            do { roots = try NIOSSLCertificate.fromPEMBytes(Array(ca)) } catch {
                throw .invalidCertificateAuthority(detail: "not a PEM certificate (\(error))")
            }
            guard !roots.isEmpty else { throw .invalidCertificateAuthority(detail: "contains no PEM certificate") }
            tls.trustRoots = .certificates(roots)
        }
        let chosen = identity ?? credentials.clientCertificatePEM.flatMap { cert in
            credentials.clientKeyPEM.map { (certificate: cert, key: $0) }
        }
        if let chosen {
            let chain: [NIOSSLCertificate]
            do { chain = try NIOSSLCertificate.fromPEMBytes(Array(chosen.certificate)) } catch {
                throw .invalidClientCertificate(detail: "client certificate is not PEM (\(error))")
            }
            guard !chain.isEmpty else { throw .invalidClientCertificate(detail: "client certificate contains no PEM certificate") }
            let key: NIOSSLPrivateKey
            // The key's bytes never reach the message: only that it failed to parse.
            do { key = try NIOSSLPrivateKey(bytes: Array(chosen.key.value), format: .pem) } catch {
                throw .invalidClientCertificate(detail: "client key is not a PEM private key")
            }
            tls.certificateChain = chain.map { .certificate($0) }
            tls.privateKey = .privateKey(key)
        }
        return tls
    }
}
