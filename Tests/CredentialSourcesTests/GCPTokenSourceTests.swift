import Foundation
import RegcredCore
import Testing
import _CryptoExtras

@testable import CredentialSources

/// Google's token endpoint as the JWT-bearer grant defines it: the assertion must be signed by
/// `key`, name this endpoint as audience, ask for the cloud-platform scope and be issued at the
/// injected clock's time for at most an hour.
func googleTokenEndpoint(
    accepting key: _RSA.Signing.PublicKey, token: String = "ya29.gcp-access-token", expiresIn: Int64 = 3599
) -> @Sendable (StandInRequest) -> StandInReply {
    { request in
        guard request.method == "POST", request.path == "/token" else { return .json(404, ["error": .string("not_found")]) }
        guard request.header("content-type")?.hasPrefix("application/x-www-form-urlencoded") == true else {
            return .oauthError(400, "invalid_request", "form body expected")
        }
        let form = request.form
        guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" else {
            return .oauthError(400, "unsupported_grant_type", "Invalid grant_type")
        }
        guard let jwt = form["assertion"].flatMap(TestJWT.init), jwt.header["alg"] == .string("RS256") else {
            return .oauthError(400, "invalid_grant", "Invalid JWT.")
        }
        guard jwt.isSigned(by: key) else { return .oauthError(400, "invalid_grant", "Invalid JWT Signature.") }
        let now = Int64(testNow.timeIntervalSince1970)
        let audience = "http://\(request.header("host") ?? "")/token"
        guard jwt.claims["aud"] == .string(audience),
            jwt.claims["scope"] == .string("https://www.googleapis.com/auth/cloud-platform"),
            jwt.claims["iat"]?.integerValue == now, jwt.claims["exp"]?.integerValue == now + 3600,
            jwt.claims["iss"]?.stringValue?.hasSuffix(".iam.gserviceaccount.com") == true
        else {
            return .oauthError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.")
        }
        return .json(200, ["access_token": .string(token), "expires_in": .integer(expiresIn), "token_type": .string("Bearer")])
    }
}

/// The GKE metadata server: answers only requests that carry `Metadata-Flavor: Google`.
func metadataServer(token: String = "ya29.metadata-token") -> @Sendable (StandInRequest) -> StandInReply {
    { request in
        guard request.header("metadata-flavor") == "Google" else { return .json(403, ["error": .string("Missing Metadata-Flavor:Google header.")]) }
        guard request.method == "GET", request.path == "/computeMetadata/v1/instance/service-accounts/default/token" else {
            return .json(404, ["error": .string("not_found")])
        }
        return .json(200, ["access_token": .string(token), "expires_in": .integer(1800), "token_type": .string("Bearer")])
    }
}

func serviceAccountKeyJSON(
    pem: String, tokenURI: String?, email: String = "puller@example-project.iam.gserviceaccount.com", keyID: String = "0123abcd"
) -> Data {
    var members: [String: JSONValue] = [
        "type": .string("service_account"), "project_id": .string("example-project"), "private_key_id": .string(keyID),
        "private_key": .string(pem), "client_email": .string(email), "client_id": .string("1234567890"),
    ]
    if let tokenURI { members["token_uri"] = .string(tokenURI) }
    return JSONValue.object(members).encoded(pretty: true)
}

@Suite("The gcp source")
struct GCPTokenSourceTests {
    static func keySource(_ keyJSON: Data?, tokenEndpoint: String? = nil, secretKey: String? = nil) throws -> any CredentialSource {
        let spec = CredentialSourceSpec(
            gcp: GCPSourceSpec(serviceAccountKeySecretRef: SecretKeyReference(name: "gcp-key", key: secretKey), tokenEndpoint: tokenEndpoint))
        let secrets = keyJSON.map { ["gcp-key": [secretKey ?? "key.json": $0]] } ?? [:]
        return try spec.makeSource(context: tokenSourceContext(secrets: secrets))
    }

    @Test("a service-account key becomes a signed JWT assertion and an access token", arguments: ["pkcs8", "pkcs1"])
    func keyToToken(format: String) async throws {
        let pem = format == "pkcs8" ? TestKeys.first.pkcs8PEMRepresentation : TestKeys.first.pemRepresentation
        try await ProviderStandIn.serving(googleTokenEndpoint(accepting: TestKeys.first.publicKey)) { google in
            let source = try Self.keySource(serviceAccountKeyJSON(pem: pem, tokenURI: google.baseURL + "/token"))
            let credential = try #require(onlyCredential(try await source.fetch()))
            #expect(credential.username == "oauth2accesstoken")
            #expect(credential.password.value == "ya29.gcp-access-token")
            #expect(credential.expiresAt == testNow.addingTimeInterval(3599))
            #expect(credential.registries == nil)
            let request = try #require(google.requests.only)
            let jwt = try #require(request.form["assertion"].flatMap(TestJWT.init))
            #expect(jwt.header["kid"] == .string("0123abcd"))
            #expect(jwt.claims["iss"] == .string("puller@example-project.iam.gserviceaccount.com"))
            #expect(source.summary == "gcp service-account key in secret gcp-key (key key.json)")
        }
    }

    @Test("spec.tokenEndpoint replaces the key's token_uri; a key without token_uri would use Google's")
    func tokenEndpointOverride() async throws {
        let pem = TestKeys.first.pkcs8PEMRepresentation
        try await ProviderStandIn.serving(googleTokenEndpoint(accepting: TestKeys.first.publicKey)) { google in
            let source = try Self.keySource(
                serviceAccountKeyJSON(pem: pem, tokenURI: "https://oauth2.googleapis.com/token"), tokenEndpoint: google.baseURL + "/token",
                secretKey: "sa.json")
            #expect(onlyCredential(try await source.fetch())?.password.value == "ya29.gcp-access-token")
            #expect(google.requests.count == 1)
        }
        let key = try GCPServiceAccountKey(parsing: String(decoding: serviceAccountKeyJSON(pem: pem, tokenURI: nil), as: UTF8.self), origin: "test")
        #expect(key.tokenURI == "https://oauth2.googleapis.com/token")
    }

    @Test("workload identity asks the metadata server named by GCE_METADATA_HOST, with Metadata-Flavor: Google")
    func metadataServerFromEnvironment() async throws {
        try await ProviderStandIn.serving(metadataServer()) { metadata in
            let host = metadata.baseURL.replacingOccurrences(of: "http://", with: "")
            let spec = CredentialSourceSpec(gcp: GCPSourceSpec(workloadIdentity: WorkloadIdentitySpec()))
            let source = try spec.makeSource(context: tokenSourceContext(environment: ["GCE_METADATA_HOST": host]))
            let credential = try #require(onlyCredential(try await source.fetch()))
            #expect(credential.username == "oauth2accesstoken")
            #expect(credential.password.value == "ya29.metadata-token")
            #expect(credential.expiresAt == testNow.addingTimeInterval(1800))
            #expect(metadata.requests.only?.header("metadata-flavor") == "Google")
        }
    }

    @Test("spec.metadataHost wins over GCE_METADATA_HOST")
    func metadataHostField() async throws {
        let closed = ProviderStandIn.closedURL.replacingOccurrences(of: "http://", with: "")
        try await ProviderStandIn.serving(metadataServer()) { metadata in
            let spec = CredentialSourceSpec(gcp: GCPSourceSpec(workloadIdentity: WorkloadIdentitySpec(), metadataHost: metadata.baseURL))
            let source = try spec.makeSource(context: tokenSourceContext(environment: ["GCE_METADATA_HOST": closed]))
            #expect(onlyCredential(try await source.fetch())?.password.value == "ya29.metadata-token")
        }
    }

    @Test("failures have the right kind, say what to fix, and never show the key, the assertion or a token")
    func failures() async throws {
        let pem = TestKeys.second.pkcs8PEMRepresentation
        let closed = ProviderStandIn.closedURL
        try await ProviderStandIn.serving(googleTokenEndpoint(accepting: TestKeys.first.publicKey)) { google in
            let url = google.baseURL + "/token"
            let cases: [(name: String, secret: Data?, secretKey: String?, kind: CredentialSourceError.Kind, says: String)] = [
                ("a key the endpoint does not accept", serviceAccountKeyJSON(pem: pem, tokenURI: url), nil, .rejected, "invalid_grant: Invalid JWT Signature."),
                ("the endpoint is down", serviceAccountKeyJSON(pem: pem, tokenURI: closed + "/token"), nil, .unreachable, "cannot reach"),
                ("not JSON", Data("{not json".utf8), nil, .misconfigured, "secret gcp-key (key key.json) is not JSON"),
                ("no private_key", Data(#"{"type":"service_account","client_email":"a@b.iam.gserviceaccount.com"}"#.utf8), nil,
                 .misconfigured, "GCP key in secret gcp-key (key key.json) is not a service-account key: missing private_key"),
                ("an external_account config", Data(#"{"type":"external_account"}"#.utf8), nil, .misconfigured, "is a external_account credential"),
                ("a damaged private_key", serviceAccountKeyJSON(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", tokenURI: url), nil,
                 .misconfigured, "private_key is not a readable RSA private key"),
                ("the secret is missing", nil, nil, .secretMissing, "secret gcp-key does not exist"),
                ("the secret lacks the key", serviceAccountKeyJSON(pem: pem, tokenURI: url), "other.json", .secretMissing, "has no key key.json"),
            ]
            for entry in cases {
                let spec = GCPSourceSpec(serviceAccountKeySecretRef: SecretKeyReference(name: "gcp-key"))
                let secrets = entry.secret.map { ["gcp-key": [entry.secretKey ?? "key.json": $0]] } ?? [:]
                let source = GCPTokenSource(spec: spec, context: tokenSourceContext(secrets: secrets))
                let error = try #require(await fetchError(source), "\(entry.name)")
                #expect(error.kind == entry.kind, "\(entry.name): \(error)")
                #expect(error.message.contains(entry.says), "\(entry.name): \(error)")
                let assertions = google.requests.compactMap { $0.form["assertion"] }
                #expect(leakedSecrets(in: error.description, pem: pem, others: assertions).isEmpty, "\(entry.name)")
            }
        }
    }

    @Test("5xx is .providerError, an unbound metadata identity .misconfigured, an answer without a token .providerError")
    func providerStatuses() async throws {
        try await ProviderStandIn.serving({ _ in .json(503, ["error": .string("backend_error")]) }) { google in
            let source = try Self.keySource(serviceAccountKeyJSON(pem: TestKeys.first.pemRepresentation, tokenURI: google.baseURL + "/token"))
            #expect(await fetchError(source)?.kind == .providerError)
        }
        try await ProviderStandIn.serving({ _ in .json(404, ["error": .string("not_found")]) }) { metadata in
            let spec = GCPSourceSpec(workloadIdentity: WorkloadIdentitySpec(), metadataHost: metadata.baseURL)
            let error = await fetchError(GCPTokenSource(spec: spec, context: tokenSourceContext()))
            #expect(error?.kind == .misconfigured)
            #expect(error?.message.contains("iam.gke.io/gcp-service-account") == true)
        }
        try await ProviderStandIn.serving({ _ in .json(200, ["token_type": .string("Bearer")]) }) { metadata in
            let spec = GCPSourceSpec(workloadIdentity: WorkloadIdentitySpec(), metadataHost: metadata.baseURL)
            let error = await fetchError(GCPTokenSource(spec: spec, context: tokenSourceContext()))
            #expect(error?.kind == .providerError && error?.message.contains("no access_token") == true)
        }
    }
}

extension Array {
    /// The one element of a one-element array.
    var only: Element? { count == 1 ? first : nil }
}
