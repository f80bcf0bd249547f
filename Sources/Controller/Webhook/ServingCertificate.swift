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

// The private key never reaches a log line, an error message or a test failure: printing,
// interpolating, dumping or mirroring a ServingCertificate shows only when it expires.
extension ServingCertificate: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "ServingCertificate(notAfter: \(notAfter), key: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["notAfter": notAfter], displayStyle: .struct) }
}
