// KubeconfigUser: one `users[].user` entry: the credentials presented to the API server.
import Foundation
import RegcredCore

public struct KubeconfigUser: Sendable, Equatable {
    public var clientCertificate: String?
    public var clientCertificateData: Data?
    public var clientKey: String?
    public var clientKeyData: Redacted<Data>?
    public var token: Redacted<String>?
    public var tokenFile: String?
    public var username: String?
    public var password: Redacted<String>?
    public var exec: ExecConfig?

    public init() {}
}
