// ExecClusterInfo: the cluster facts an exec plugin may ask for with provideClusterInfo,
// passed in KUBERNETES_EXEC_INFO as spec.cluster.
import Foundation

/// The cluster part of KUBERNETES_EXEC_INFO (`spec.cluster`).
public struct ExecClusterInfo: Sendable, Equatable {
    public var server: String
    public var tlsServerName: String?
    public var insecureSkipTLSVerify: Bool
    public var certificateAuthorityData: Data?

    public init(server: String, tlsServerName: String? = nil, insecureSkipTLSVerify: Bool = false, certificateAuthorityData: Data? = nil) {
        self.server = server
        self.tlsServerName = tlsServerName
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.certificateAuthorityData = certificateAuthorityData
    }
}
