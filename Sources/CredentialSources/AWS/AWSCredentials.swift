// AWS credentials as the signer needs them; the secret parts are wrapped so that printing one prints `<redacted>`.
import Foundation
import RegcredCore

public struct AWSCredentials: Hashable, Sendable {
    public var accessKeyId: String
    public var secretAccessKey: Redacted<String>
    /// Present for temporary credentials (STS, IRSA, Pod Identity, IMDS); signed as `x-amz-security-token`.
    public var sessionToken: Redacted<String>?
    /// When temporary credentials stop working; nil for long-lived access keys.
    public var expiration: Date?

    public init(accessKeyId: String, secretAccessKey: Redacted<String>, sessionToken: Redacted<String>? = nil, expiration: Date? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// Builds credentials from the plain strings a provider answered; empty values count as absent.
    static func from(accessKeyId: String?, secretAccessKey: String?, sessionToken: String?, expiration: Date? = nil) -> AWSCredentials? {
        guard let accessKeyId, !accessKeyId.isEmpty, let secretAccessKey, !secretAccessKey.isEmpty else { return nil }
        let token = sessionToken.flatMap { $0.isEmpty ? nil : Redacted($0) }
        return AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: Redacted(secretAccessKey), sessionToken: token, expiration: expiration)
    }
}
