// The `gcp` source: an OAuth2 access token for Artifact Registry / Container Registry, from a
// service-account key (RS256 JWT assertion, RFC 7523 JWT-bearer grant) or from the metadata
// server (GKE workload identity). Registries come from the ClusterPullSecret (gcr.io, *-docker.pkg.dev).
import Foundation
import NIOHTTP1
import RegcredCore

public struct GCPTokenSource: CredentialSource {
    static let provider = "gcp"
    static let username = "oauth2accesstoken"
    static let scope = "https://www.googleapis.com/auth/cloud-platform"
    static let defaultKeyName = "key.json"
    static let defaultMetadataHost = "metadata.google.internal"
    static let jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    /// Google accepts assertions valid for at most one hour.
    static let assertionLifetime: TimeInterval = 3600

    let spec: GCPSourceSpec
    let context: SourceContext

    public init(spec: GCPSourceSpec, context: SourceContext) {
        self.spec = spec
        self.context = context
    }

    public var summary: String {
        if let ref = spec.serviceAccountKeySecretRef { return "gcp service-account key in \(ref.origin(defaultKey: Self.defaultKeyName, settings: context.settings))" }
        return "gcp metadata server \(metadataBase) (workload identity)"
    }

    public func fetch() async throws(CredentialSourceError) -> CredentialMaterial {
        let token: String
        let expiresAt: Date?
        if let ref = spec.serviceAccountKeySecretRef {
            (token, expiresAt) = try await tokenFromKey(ref)
        } else {
            (token, expiresAt) = try await tokenFromMetadataServer()
        }
        return .credentials([Credential(username: Self.username, password: Redacted(token), expiresAt: expiresAt, registries: nil)])
    }

    // MARK: service-account key

    func tokenFromKey(_ ref: SecretKeyReference) async throws(CredentialSourceError) -> (String, Date?) {
        let origin = ref.origin(defaultKey: Self.defaultKeyName, settings: context.settings)
        let text = try await ref.text(
            defaultKey: Self.defaultKeyName, holding: "a service-account key (JSON)", provider: Self.provider, in: context)
        let key = try GCPServiceAccountKey(parsing: text, origin: origin)
        let signer: RS256JWTSigner
        do { signer = try RS256JWTSigner(pem: key.privateKeyPEM) } catch {
            throw CredentialSourceError(.misconfigured, provider: Self.provider, "GCP key in \(origin): private_key \(error.description)")
        }
        let endpoint = spec.tokenEndpoint ?? key.tokenURI
        let now = context.now()
        let issuedAt = Int64(now.timeIntervalSince1970.rounded(.down))
        let assertion: String
        do {
            assertion = try signer.token(
                claims: [
                    "iss": .string(key.clientEmail), "scope": .string(Self.scope), "aud": .string(endpoint),
                    "iat": .integer(issuedAt), "exp": .integer(issuedAt + Int64(Self.assertionLifetime)),
                ],
                keyId: key.privateKeyID)
        } catch {
            throw CredentialSourceError(.misconfigured, provider: Self.provider, "GCP key in \(origin): private_key \(error.description)")
        }
        let response = try await ProviderHTTP.postForm(
            endpoint, [("grant_type", Self.jwtBearerGrant), ("assertion", assertion)], provider: Self.provider, context: context)
        let answer = try response.tokenAnswer(
            provider: Self.provider, action: "token request for \(key.clientEmail) to \(endpoint)",
            hint: "check that the key in \(origin) is an active key of \(key.clientEmail) (gcloud iam service-accounts keys list)",
            hiding: [assertion, key.privateKeyPEM], expecting: "token response from \(endpoint)")
        return (try answer.string("access_token"), answer.expiry(after: now))
    }

    // MARK: metadata server

    /// `http://<host>` from `spec.metadataHost`, `GCE_METADATA_HOST`, or the GKE/GCE default;
    /// a value with a scheme is used as it is.
    var metadataBase: BaseURL {
        let host = spec.metadataHost ?? context.environment["GCE_METADATA_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultMetadataHost
        return BaseURL(host.contains("://") ? host : "http://\(host)")
    }

    func tokenFromMetadataServer() async throws(CredentialSourceError) -> (String, Date?) {
        let url = metadataBase.appending("computeMetadata/v1/instance/service-accounts/default/token")
        let now = context.now()
        let response = try await ProviderHTTP.send(
            .GET, url, headers: [("Metadata-Flavor", "Google")], provider: Self.provider, context: context)
        let answer = try response.tokenAnswer(
            provider: Self.provider, action: "metadata server token request to \(url)",
            hint: "is workload identity enabled on the node pool, and is \(context.settings.workload) bound to a Google service account (iam.gke.io/gcp-service-account)?",
            expecting: "token response from the metadata server")
        return (try answer.string("access_token"), answer.expiry(after: now))
    }
}
