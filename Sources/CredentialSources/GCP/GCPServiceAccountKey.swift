// A Google service-account key file (the JSON `gcloud iam service-accounts keys create` writes):
// the fields the JWT-bearer grant needs, checked with messages that name the missing field.
import Foundation
import RegcredCore

struct GCPServiceAccountKey {
    static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    var clientEmail: String
    var privateKeyPEM: String
    var privateKeyID: String?
    var tokenURI: String

    /// `origin` names where the key came from ("secret gcp-key (key key.json)") for messages.
    init(parsing text: String, origin: String) throws(CredentialSourceError) {
        func fail(_ problem: String) -> CredentialSourceError {
            CredentialSourceError(.misconfigured, provider: GCPTokenSource.provider, "GCP key in \(origin) \(problem)")
        }
        guard let json = try? JSONValue(parsing: Data(text.utf8)), json.objectValue != nil else {
            throw fail("is not JSON; it should hold the service-account key file (gcloud iam service-accounts keys create)")
        }
        if let type = json["type"]?.stringValue, type != "service_account" {
            throw fail("is a \(type) credential, not a service-account key (type service_account); for workload identity use workloadIdentity: {}")
        }
        guard let privateKey = json["private_key"]?.stringValue, !privateKey.isEmpty else {
            throw fail("is not a service-account key: missing private_key")
        }
        guard let email = json["client_email"]?.stringValue, !email.isEmpty else {
            throw fail("is not a service-account key: missing client_email")
        }
        clientEmail = email
        privateKeyPEM = privateKey
        privateKeyID = json["private_key_id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        tokenURI = json["token_uri"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultTokenURI
    }
}
