// ClientCredentials: what a client presents to the API server, resolved from a kubeconfig user
// or the in-cluster service account. Secret parts are Redacted.
import Foundation
import RegcredCore

public struct ClientCredentials: Sendable, Equatable {
    public var bearerToken: Redacted<String>?
    /// Re-read when it changes (projected service-account tokens rotate); wins over `bearerToken`.
    public var tokenFile: String?
    public var clientCertificatePEM: Data?
    public var clientKeyPEM: Redacted<Data>?
    public var username: String?
    public var password: Redacted<String>?
    public var exec: ExecConfig?

    public init(bearerToken: Redacted<String>? = nil, tokenFile: String? = nil, clientCertificatePEM: Data? = nil,
                clientKeyPEM: Redacted<Data>? = nil, exec: ExecConfig? = nil) {
        self.bearerToken = bearerToken
        self.tokenFile = tokenFile
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.exec = exec
    }

    public static let none = ClientCredentials()
}
