// ExecCredential: what an exec plugin prints: a token or a client certificate and key, and when
// they expire. Parsing checks the apiVersion against the one the kubeconfig asked for.
import Foundation
import RegcredCore

public struct ExecCredential: Sendable, Equatable {
    public var token: Redacted<String>?
    public var clientCertificatePEM: Data?
    public var clientKeyPEM: Redacted<Data>?
    /// `nil`: valid until the server rejects it with 401.
    public var expirationTimestamp: Date?

    public init(token: Redacted<String>? = nil, clientCertificatePEM: Data? = nil, clientKeyPEM: Redacted<Data>? = nil, expirationTimestamp: Date? = nil) {
        self.token = token
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.expirationTimestamp = expirationTimestamp
    }

    /// Still usable at `now` (an expired credential makes us run the plugin again).
    public func isValid(at now: Date) -> Bool {
        guard let expirationTimestamp else { return true }
        return now < expirationTimestamp
    }

    /// Parses the plugin's standard output; `detail` errors never quote the token.
    public static func parse(_ output: Data, expectedAPIVersion: String) throws(ExecCredentialParseError) -> ExecCredential {
        let tree: JSONValue
        do { tree = try JSONValue(parsing: output) } catch { throw .init(detail: "output is not JSON (\(error.detail.prefix(120)))") }
        guard tree["kind"]?.stringValue == "ExecCredential" else {
            throw .init(detail: "kind is \(tree["kind"]?.stringValue.map { "\"\($0)\"" } ?? "missing"), expected ExecCredential")
        }
        let apiVersion = tree["apiVersion"]?.stringValue ?? ""
        guard apiVersion == expectedAPIVersion else {
            throw .init(detail: "apiVersion \"\(apiVersion)\" does not match the kubeconfig's \(expectedAPIVersion)")
        }
        guard let status = tree["status"]?.objectValue else { throw .init(detail: "status is missing") }
        var credential = ExecCredential()
        if let token = status["token"]?.stringValue, !token.isEmpty { credential.token = Redacted(token) }
        let cert = status["clientCertificateData"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let key = status["clientKeyData"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        switch (cert, key) {
        case (let cert?, let key?):
            credential.clientCertificatePEM = Data(cert.utf8)
            credential.clientKeyPEM = Redacted(Data(key.utf8))
        case (nil, nil): break
        case (_?, nil): throw .init(detail: "status.clientCertificateData is set without status.clientKeyData")
        case (nil, _?): throw .init(detail: "status.clientKeyData is set without status.clientCertificateData")
        }
        guard credential.token != nil || credential.clientCertificatePEM != nil else {
            throw .init(detail: "status has neither token nor clientCertificateData/clientKeyData")
        }
        if let text = status["expirationTimestamp"]?.stringValue {
            guard let date = KubeTimeFormat.parse(text) else {
                throw .init(detail: "status.expirationTimestamp \"\(text)\" is not an RFC 3339 time")
            }
            credential.expirationTimestamp = date
        }
        return credential
    }
}
