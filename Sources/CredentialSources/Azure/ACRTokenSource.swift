// The `acr` source: a Microsoft Entra access token (client secret, workload identity's federated
// token, or managed identity through IMDS), exchanged at the registry's `/oauth2/exchange` for an
// ACR refresh token, the password `docker login` uses with the all-zero GUID as username.
import Foundation
import NIOHTTP1
import RegcredCore

public struct ACRTokenSource: CredentialSource {
    static let provider = "acr"
    static let username = "00000000-0000-0000-0000-000000000000"
    /// The ACR audience: every registry accepts it, also one with authentication-as-arm disabled
    /// (which refuses the ARM audience that `az acr login` uses by default).
    static let resource = "https://containerregistry.azure.net"
    static let scope = resource + "/.default"
    static let defaultAuthority = "https://login.microsoftonline.com"
    static let defaultIMDS = "http://169.254.169.254"
    static let defaultSecretKey = "clientSecret"
    static let clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    let spec: ACRSourceSpec
    let context: SourceContext

    public init(spec: ACRSourceSpec, context: SourceContext) {
        self.spec = spec
        self.context = context
    }

    public var summary: String {
        let mode =
            if spec.managedIdentity != nil { "managed identity" } else if spec.workloadIdentity != nil { "workload identity" } else {
                "client secret"
            }
        return "acr \(spec.registry) via \(mode)"
    }

    public func fetch() async throws(CredentialSourceError) -> CredentialMaterial {
        let entra: EntraToken
        if let managed = spec.managedIdentity {
            entra = try await tokenFromManagedIdentity(managed)
        } else if spec.workloadIdentity != nil {
            entra = try await tokenFromWorkloadIdentity()
        } else if let ref = spec.clientSecretRef {
            entra = try await tokenFromClientSecret(ref)
        } else {
            throw CredentialSourceError(.misconfigured, provider: Self.provider, "set one of clientSecretRef, workloadIdentity and managedIdentity")
        }
        let refreshToken = try await exchange(entra)
        return .credentials([
            Credential(
                username: Self.username, password: Redacted(refreshToken), expiresAt: CredentialExpiry.of(password: refreshToken),
                registries: [spec.registry])
        ])
    }

    struct EntraToken {
        var accessToken: String
        /// The tenant to name in the exchange; from the spec, the environment or the token's `tid`.
        var tenant: String?
    }

    // MARK: Entra ID

    var authority: BaseURL {
        BaseURL(spec.authorityHost ?? context.environment["AZURE_AUTHORITY_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultAuthority)
    }

    func tokenFromClientSecret(_ ref: SecretKeyReference) async throws(CredentialSourceError) -> EntraToken {
        guard let tenant = spec.tenantId, let clientId = spec.clientId else {
            throw CredentialSourceError(.misconfigured, provider: Self.provider, "clientSecretRef needs tenantId and clientId")
        }
        let secret = try await ref.text(
            defaultKey: Self.defaultSecretKey, holding: "the service principal's client secret", provider: Self.provider,
            in: context
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        let token = try await entraToken(
            tenant: tenant,
            form: [("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret), ("scope", Self.scope)],
            who: "service principal \(clientId)", hiding: [secret])
        return EntraToken(accessToken: token, tenant: tenant)
    }

    func tokenFromWorkloadIdentity() async throws(CredentialSourceError) -> EntraToken {
        let environment = context.environment
        func setting(_ field: String?, _ variable: String) -> String? {
            field ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let tenant = setting(spec.tenantId, "AZURE_TENANT_ID"), let clientId = setting(spec.clientId, "AZURE_CLIENT_ID"),
            let tokenFile = setting(nil, "AZURE_FEDERATED_TOKEN_FILE")
        else {
            throw CredentialSourceError(
                .misconfigured, provider: Self.provider,
                "workload identity needs AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID in \(context.settings.environment) (\(context.settings.fieldName("acr.tenantId")) and \(context.settings.fieldName("acr.clientId")) win): set up Azure workload identity for \(context.settings.workload) (pod label azure.workload.identity/use: \"true\", service account annotation azure.workload.identity/client-id)")
        }
        let assertion: String
        do {
            assertion = String(decoding: try context.readFile(tokenFile), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw CredentialSourceError(.misconfigured, provider: Self.provider, "cannot read the federated token file \(tokenFile) (AZURE_FEDERATED_TOKEN_FILE)")
        }
        guard !assertion.isEmpty else {
            throw CredentialSourceError(.misconfigured, provider: Self.provider, "the federated token file \(tokenFile) is empty")
        }
        let token = try await entraToken(
            tenant: tenant,
            form: [
                ("grant_type", "client_credentials"), ("client_id", clientId), ("scope", Self.scope),
                ("client_assertion_type", Self.clientAssertionType), ("client_assertion", assertion),
            ],
            who: "workload identity \(clientId)", hiding: [assertion])
        return EntraToken(accessToken: token, tenant: tenant)
    }

    private func entraToken(tenant: String, form: [(String, String)], who: String, hiding: [String])
        async throws(CredentialSourceError) -> String
    {
        let url = authority.appending("\(ProviderHTTP.formEscape(tenant))/oauth2/v2.0/token")
        return try await ProviderHTTP.postForm(url, form, provider: Self.provider, context: context).tokenAnswer(
            provider: Self.provider, action: "Entra token request for \(who) to \(url)",
            hint: "check tenantId, clientId and the credential (an expired client secret, or a federated credential whose issuer/subject does not match)",
            hiding: hiding, expecting: "Entra token response"
        ).string("access_token")
    }

    func tokenFromManagedIdentity(_ managed: ManagedIdentitySpec) async throws(CredentialSourceError) -> EntraToken {
        // AZURE_POD_IDENTITY_AUTHORITY_HOST is how Azure's SDKs let IMDS be moved (aad-pod-identity, tests).
        let base = BaseURL(
            managed.endpoint
                ?? context.environment["AZURE_POD_IDENTITY_AUTHORITY_HOST"].flatMap { $0.isEmpty ? nil : $0 }
                ?? Self.defaultIMDS)
        var url = base.appending("metadata/identity/oauth2/token?api-version=2018-02-01&resource=\(ProviderHTTP.formEscape(Self.resource))")
        let clientId = managed.clientId ?? spec.clientId
        if let clientId { url += "&client_id=\(ProviderHTTP.formEscape(clientId))" }
        let response = try await ProviderHTTP.send(.GET, url, headers: [("Metadata", "true")], provider: Self.provider, context: context)
        let identity = clientId.map { "managed identity \($0)" } ?? "the system-assigned managed identity"
        let token = try response.tokenAnswer(
            provider: Self.provider, action: "IMDS token request for \(identity) to \(base)",
            hint: "is \(identity) assigned to the node (VM or scale set)?", expecting: "IMDS token response"
        ).string("access_token")
        return EntraToken(accessToken: token, tenant: spec.tenantId ?? Self.tenant(of: token))
    }

    /// The `tid` claim of an Entra access token, read without verifying it: only to name the tenant.
    static func tenant(of token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(String(parts[1])), let claims = try? JSONValue(parsing: payload) else {
            return nil
        }
        return claims["tid"]?.stringValue
    }

    // MARK: ACR exchange

    func exchange(_ entra: EntraToken) async throws(CredentialSourceError) -> String {
        let url = BaseURL(spec.endpoint ?? "https://\(spec.registry)").appending("oauth2/exchange")
        var form = [("grant_type", "access_token"), ("service", spec.registry)]
        if let tenant = entra.tenant { form.append(("tenant", tenant)) }
        form.append(("access_token", entra.accessToken))
        return try await ProviderHTTP.postForm(url, form, provider: Self.provider, context: context).tokenAnswer(
            provider: Self.provider, action: "ACR token exchange at \(url)",
            hint: "is \(spec.registry) in the identity's tenant, and does the identity have the AcrPull role on it?",
            hiding: [entra.accessToken], expecting: "ACR exchange response"
        ).string("refresh_token")
    }
}
