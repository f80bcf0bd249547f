import Foundation
import RegcredCore
import Testing

@testable import CredentialSources

/// Microsoft Entra, Azure IMDS and the registry's `/oauth2/exchange` in one stand-in: each checks
/// what the real one checks (grant type, scope or resource, the credential, the `Metadata` header)
/// and the registry accepts only the Entra tokens this stand-in minted.
struct AzureStandIn {
    static let registry = "example.azurecr.io"
    static let tenant = "11111111-2222-3333-4444-555555555555"
    static let clientID = "66666666-7777-8888-9999-000000000000"
    static let clientSecret = "s3cret~client~value"
    static let federatedToken = "eyJfederated.service-account.token"
    static let refreshExpiry = testNow.addingTimeInterval(3 * 3600)
    static let refreshToken = fakeJWT(["exp": .integer(Int64(refreshExpiry.timeIntervalSince1970)), "grant_type": .string("refresh_token")])

    static func entraToken(tenant: String, via: String) -> String {
        fakeJWT(["tid": .string(tenant), "aud": .string("https://containerregistry.azure.net"), "via": .string(via)])
    }

    static func respond(_ request: StandInRequest) -> StandInReply {
        let form = request.form
        if request.method == "POST", request.path.hasSuffix("/oauth2/v2.0/token") {
            let tenant = String(request.path.dropFirst().prefix { $0 != "/" })
            guard form["grant_type"] == "client_credentials" else { return .oauthError(400, "unsupported_grant_type", "AADSTS70003") }
            guard form["scope"] == "https://containerregistry.azure.net/.default" else {
                return .oauthError(400, "invalid_scope", "AADSTS70011: The provided value for scope is not valid.")
            }
            guard form["client_id"] == clientID else { return .oauthError(400, "unauthorized_client", "AADSTS700016: Application not found.") }
            if let secret = form["client_secret"] {
                guard secret == clientSecret else {
                    return .oauthError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
                }
                return .json(200, ["access_token": .string(entraToken(tenant: tenant, via: "secret")), "expires_in": .integer(3599)])
            }
            guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                form["client_assertion"] == federatedToken
            else { return .oauthError(400, "invalid_client", "AADSTS700213: No matching federated identity record found.") }
            return .json(200, ["access_token": .string(entraToken(tenant: tenant, via: "federated")), "expires_in": .integer(3599)])
        }
        if request.method == "GET", request.path == "/metadata/identity/oauth2/token" {
            guard request.header("metadata") == "true" else { return .oauthError(400, "invalid_request", "Required metadata header not specified") }
            guard request.query["api-version"] == "2018-02-01", request.query["resource"] == "https://containerregistry.azure.net" else {
                return .oauthError(400, "invalid_request", "Invalid resource or api-version")
            }
            if let client = request.query["client_id"], client != clientID {
                return .oauthError(400, "invalid_request", "Identity not found")
            }
            // IMDS sends numbers as strings.
            return .json(200, ["access_token": .string(entraToken(tenant: tenant, via: "imds")), "expires_in": .string("86399")])
        }
        if request.method == "POST", request.path == "/oauth2/exchange" {
            guard form["grant_type"] == "access_token", form["service"] == registry else {
                return .json(400, ["errors": .array([.object(["code": .string("UNSUPPORTED"), "message": .string("bad grant or service")])])])
            }
            guard let token = form["access_token"], ["secret", "federated", "imds"].contains(where: { token == entraToken(tenant: tenant, via: $0) }),
                form["tenant"] == nil || form["tenant"] == tenant
            else {
                return .json(401, ["errors": .array([.object(["code": .string("UNAUTHORIZED"), "message": .string("authentication required")])])])
            }
            return .json(200, ["refresh_token": .string(refreshToken)])
        }
        return .json(404, ["error": .string("not_found")])
    }
}

@Suite("The acr source")
struct ACRTokenSourceTests {
    static func clientSecretSpec(_ base: String) -> ACRSourceSpec {
        ACRSourceSpec(
            registry: AzureStandIn.registry, tenantId: AzureStandIn.tenant, clientId: AzureStandIn.clientID,
            clientSecretRef: SecretKeyReference(name: "acr-sp"), authorityHost: base, endpoint: base)
    }

    static let secrets = ["acr-sp": ["clientSecret": Data(AzureStandIn.clientSecret.utf8)]]

    static func expectRefreshToken(_ material: CredentialMaterial) throws {
        let credential = try #require(onlyCredential(material))
        #expect(credential.username == "00000000-0000-0000-0000-000000000000")
        #expect(credential.password.value == AzureStandIn.refreshToken)
        #expect(credential.expiresAt == AzureStandIn.refreshExpiry)
        #expect(credential.registries == [AzureStandIn.registry])
    }

    @Test("a client secret gets an Entra token for the ACR audience, exchanged for a refresh token")
    func clientSecret() async throws {
        try await ProviderStandIn.serving({ AzureStandIn.respond($0) }) { azure in
            let source = try CredentialSourceSpec(acr: Self.clientSecretSpec(azure.baseURL))
                .makeSource(context: tokenSourceContext(secrets: Self.secrets))
            try Self.expectRefreshToken(try await source.fetch())
            let paths = azure.requests.map(\.path)
            #expect(paths == ["/\(AzureStandIn.tenant)/oauth2/v2.0/token", "/oauth2/exchange"])
            #expect(azure.requests.last?.form["tenant"] == AzureStandIn.tenant)
            #expect(source.summary == "acr example.azurecr.io via client secret")
        }
    }

    @Test("workload identity sends the federated token file as client assertion; AZURE_* settings come from the environment")
    func workloadIdentityFromEnvironment() async throws {
        try await ProviderStandIn.serving({ AzureStandIn.respond($0) }) { azure in
            let spec = ACRSourceSpec(registry: AzureStandIn.registry, workloadIdentity: WorkloadIdentitySpec(), endpoint: azure.baseURL)
            let context = tokenSourceContext(
                environment: [
                    "AZURE_CLIENT_ID": AzureStandIn.clientID, "AZURE_TENANT_ID": AzureStandIn.tenant,
                    "AZURE_FEDERATED_TOKEN_FILE": "/var/run/secrets/azure/tokens/azure-identity-token", "AZURE_AUTHORITY_HOST": azure.baseURL + "/",
                ],
                files: ["/var/run/secrets/azure/tokens/azure-identity-token": Data((AzureStandIn.federatedToken + "\n").utf8)])
            try Self.expectRefreshToken(try await ACRTokenSource(spec: spec, context: context).fetch())
            #expect(azure.requests.first?.form["client_secret"] == nil)
        }
    }

    @Test("workload identity: tenantId and clientId in the spec win over AZURE_TENANT_ID and AZURE_CLIENT_ID")
    func workloadIdentitySpecWins() async throws {
        try await ProviderStandIn.serving({ AzureStandIn.respond($0) }) { azure in
            let spec = ACRSourceSpec(
                registry: AzureStandIn.registry, tenantId: AzureStandIn.tenant, clientId: AzureStandIn.clientID,
                workloadIdentity: WorkloadIdentitySpec(), authorityHost: azure.baseURL, endpoint: azure.baseURL)
            let context = tokenSourceContext(
                environment: ["AZURE_CLIENT_ID": "someone-else", "AZURE_TENANT_ID": "other-tenant", "AZURE_FEDERATED_TOKEN_FILE": "/token",
                              "AZURE_AUTHORITY_HOST": "http://127.0.0.1:1"],
                files: ["/token": Data(AzureStandIn.federatedToken.utf8)])
            try Self.expectRefreshToken(try await ACRTokenSource(spec: spec, context: context).fetch())
            #expect(azure.requests.first?.path == "/\(AzureStandIn.tenant)/oauth2/v2.0/token")
        }
    }

    @Test("managed identity asks IMDS with Metadata: true and the client id; the exchange names the token's tenant")
    func managedIdentity() async throws {
        try await ProviderStandIn.serving({ AzureStandIn.respond($0) }) { azure in
            let spec = ACRSourceSpec(
                registry: AzureStandIn.registry, managedIdentity: ManagedIdentitySpec(clientId: AzureStandIn.clientID, endpoint: azure.baseURL),
                endpoint: azure.baseURL)
            try Self.expectRefreshToken(try await ACRTokenSource(spec: spec, context: tokenSourceContext()).fetch())
            let imds = try #require(azure.requests.first)
            #expect(imds.header("metadata") == "true" && imds.query["client_id"] == AzureStandIn.clientID)
            #expect(azure.requests.last?.form["tenant"] == AzureStandIn.tenant)
        }
    }

    @Test("failures have the right kind, carry the provider's words, and never show the secret or a token")
    func failures() async throws {
        let closed = ProviderStandIn.closedURL
        try await ProviderStandIn.serving({ AzureStandIn.respond($0) }) { azure in
            let base = azure.baseURL
            let wrongSecret = ["acr-sp": ["clientSecret": Data("wrong~secret~value".utf8)]]
            var otherRegistry = Self.clientSecretSpec(base)
            otherRegistry.registry = "other.azurecr.io"
            let cases: [(name: String, spec: ACRSourceSpec, secrets: [String: [String: Data]], env: [String: String], kind: CredentialSourceError.Kind, says: String)] = [
                ("a wrong client secret", Self.clientSecretSpec(base), wrongSecret, [:], .rejected, "invalid_client: AADSTS7000215: Invalid client secret provided."),
                ("Entra is down", ACRSourceSpec(registry: AzureStandIn.registry, tenantId: AzureStandIn.tenant, clientId: AzureStandIn.clientID,
                                                clientSecretRef: SecretKeyReference(name: "acr-sp"), authorityHost: closed, endpoint: base),
                 Self.secrets, [:], .unreachable, "cannot reach"),
                ("the registry is down", ACRSourceSpec(registry: AzureStandIn.registry, tenantId: AzureStandIn.tenant, clientId: AzureStandIn.clientID,
                                                       clientSecretRef: SecretKeyReference(name: "acr-sp"), authorityHost: base, endpoint: closed),
                 Self.secrets, [:], .unreachable, "cannot reach"),
                ("the exchange refuses the service", otherRegistry, Self.secrets, [:], .misconfigured, "UNSUPPORTED: bad grant or service"),
                ("the secret is missing", Self.clientSecretSpec(base), [:], [:], .secretMissing, "secret acr-sp does not exist"),
                ("the secret lacks clientSecret", Self.clientSecretSpec(base), ["acr-sp": ["password": Data("x".utf8)]], [:], .secretMissing,
                 "secret acr-sp has no key clientSecret (it has: password)"),
                ("workload identity without the webhook's variables", ACRSourceSpec(registry: AzureStandIn.registry, workloadIdentity: WorkloadIdentitySpec()),
                 [:], [:], .misconfigured, "AZURE_FEDERATED_TOKEN_FILE"),
                ("an unreadable federated token file", ACRSourceSpec(registry: AzureStandIn.registry, workloadIdentity: WorkloadIdentitySpec()),
                 [:], ["AZURE_CLIENT_ID": AzureStandIn.clientID, "AZURE_TENANT_ID": AzureStandIn.tenant, "AZURE_FEDERATED_TOKEN_FILE": "/nope"],
                 .misconfigured, "cannot read the federated token file /nope"),
                ("an identity not on the node", ACRSourceSpec(registry: AzureStandIn.registry,
                                                              managedIdentity: ManagedIdentitySpec(clientId: "not-assigned", endpoint: base), endpoint: base),
                 [:], [:], .misconfigured, "invalid_request: Identity not found"),
            ]
            for entry in cases {
                let source = ACRTokenSource(spec: entry.spec, context: tokenSourceContext(secrets: entry.secrets, environment: entry.env))
                let error = try #require(await fetchError(source), "\(entry.name)")
                #expect(error.kind == entry.kind, "\(entry.name): \(error)")
                #expect(error.message.contains(entry.says), "\(entry.name): \(error)")
                let secrets = [AzureStandIn.clientSecret, "wrong~secret~value", AzureStandIn.federatedToken, AzureStandIn.refreshToken,
                               AzureStandIn.entraToken(tenant: AzureStandIn.tenant, via: "secret")]
                #expect(leakedSecrets(in: error.description, others: secrets).isEmpty, "\(entry.name)")
            }
        }
    }

    @Test("an Entra token the registry refuses is .rejected; a 5xx exchange is .providerError")
    func exchangeStatuses() async throws {
        try await ProviderStandIn.serving({ request in
            request.path == "/oauth2/exchange"
                ? .json(401, ["errors": .array([.object(["code": .string("UNAUTHORIZED"), "message": .string("authentication required")])])])
                : AzureStandIn.respond(request)
        }) { azure in
            let error = await fetchError(ACRTokenSource(spec: Self.clientSecretSpec(azure.baseURL), context: tokenSourceContext(secrets: Self.secrets)))
            #expect(error?.kind == .rejected && error?.message.contains("AcrPull") == true)
        }
        try await ProviderStandIn.serving({ request in
            request.path == "/oauth2/exchange" ? StandInReply(status: 502, body: Data("<html>bad gateway</html>".utf8)) : AzureStandIn.respond(request)
        }) { azure in
            let error = await fetchError(ACRTokenSource(spec: Self.clientSecretSpec(azure.baseURL), context: tokenSourceContext(secrets: Self.secrets)))
            #expect(error?.kind == .providerError && error?.message.contains("HTTP 502") == true)
        }
    }
}
