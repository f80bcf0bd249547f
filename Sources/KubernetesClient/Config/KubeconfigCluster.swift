// KubeconfigCluster: one `clusters[].cluster` entry: where the API server is and how to trust it.
import Foundation

public struct KubeconfigCluster: Sendable, Equatable {
    public var server: String?
    /// A file path, already made absolute against the kubeconfig's folder.
    public var certificateAuthority: String?
    public var certificateAuthorityData: Data?
    public var insecureSkipTLSVerify: Bool
    public var tlsServerName: String?

    public init(server: String? = nil, certificateAuthority: String? = nil, certificateAuthorityData: Data? = nil,
                insecureSkipTLSVerify: Bool = false, tlsServerName: String? = nil) {
        self.server = server
        self.certificateAuthority = certificateAuthority
        self.certificateAuthorityData = certificateAuthorityData
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
    }
}
