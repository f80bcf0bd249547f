// ServingCertificate: the key pair the pod admission webhook serves TLS with, in PEM. Where it
// comes from (the controller's own CA kept in a Secret, or files cert-manager mounts) is decided by
// a certificate source; the webhook server only swaps its TLS context when a new one arrives, so
// a rotation never drops a connection that is already open.
import Foundation

public struct ServingCertificate: Sendable, Equatable {
    /// The serving certificate first, then any intermediates.
    public var certificateChainPEM: String
    public var privateKeyPEM: String
    /// When the serving certificate stops being valid; a source renews well before.
    public var notAfter: Date

    public init(certificateChainPEM: String, privateKeyPEM: String, notAfter: Date) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
        self.notAfter = notAfter
    }
}
