// ServingCertificate to NIOSSL: the server TLS context the webhook serves with, and reading a
// certificate's expiry from PEM (for sources that only have files).
import Foundation
import NIOSSL

extension ServingCertificate {
    /// A server context for this key pair (TLS 1.2 and later, as kube-apiserver speaks).
    func serverContext() throws(ServingCertificateError) -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMBytes(Array(certificateChainPEM.utf8)) } catch {
            throw .unreadableCertificate
        }
        guard !chain.isEmpty else { throw .unreadableCertificate }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem) } catch {
            throw .unreadableKey
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw .rejected("\(error)")
        }
    }

    /// When the first certificate of a PEM chain expires.
    static func notAfter(ofPEM pem: String) throws(ServingCertificateError) -> Date {
        guard let first = try? NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)).first else { throw .unreadableCertificate }
        return Date(timeIntervalSince1970: TimeInterval(first.notValidAfter))
    }
}

/// Why a serving certificate cannot be served. The messages name the fault, never the PEM.
public enum ServingCertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadableCertificate
    case unreadableKey
    case rejected(String)
    case missingFile(String)

    public var description: String {
        switch self {
        case .unreadableCertificate: "the serving certificate is not a PEM certificate chain"
        case .unreadableKey: "the serving certificate's private key is not a PEM private key (PKCS#1, PKCS#8 or SEC1, unencrypted)"
        case .rejected(let reason): "the serving certificate and key cannot be served together: \(reason)"
        case .missingFile(let path): "\(path) cannot be read; the webhook needs tls.crt and tls.key in its certificate directory"
        }
    }
}
