// The `githubApp` source: a GitHub App's installation access token (1 h) for GHCR. The app
// signs a short JWT with its private key; the installation token is the registry password.
import Foundation
import NIOHTTP1
import RegcredCore

public struct GitHubAppTokenSource: CredentialSource {
    static let provider = "github"
    static let username = "x-access-token"
    static let defaultAPI = "https://api.github.com"
    static let defaultRegistry = "ghcr.io"
    static let defaultKeyName = "private-key.pem"
    static let apiVersion = "2022-11-28"
    /// GitHub refuses app JWTs that expire more than 10 minutes out; `iat` is set back a minute
    /// for clock drift, as GitHub recommends.
    static let issuedBefore: TimeInterval = 60
    static let lifetime: TimeInterval = 9 * 60

    let spec: GitHubAppSourceSpec
    let context: SourceContext

    public init(spec: GitHubAppSourceSpec, context: SourceContext) {
        self.spec = spec
        self.context = context
    }

    var registry: String { spec.registry ?? Self.defaultRegistry }

    var apiBase: BaseURL { BaseURL(spec.apiURL ?? Self.defaultAPI) }

    public var summary: String { "githubApp \(spec.appId) installation \(spec.installationId) for \(registry)" }

    public func fetch() async throws(CredentialSourceError) -> CredentialMaterial {
        let ref = spec.privateKeySecretRef
        let origin = ref.origin(defaultKey: Self.defaultKeyName, settings: context.settings)
        let pem = try await ref.text(
            defaultKey: Self.defaultKeyName, holding: "the GitHub App's private key (PEM)", provider: Self.provider, in: context)
        let now = context.now()
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let jwt: String
        do {
            jwt = try RS256JWTSigner(pem: pem).token(claims: [
                "iss": .string(spec.appId),
                "iat": .integer(seconds - Int64(Self.issuedBefore)),
                "exp": .integer(seconds + Int64(Self.lifetime)),
            ])
        } catch {
            throw CredentialSourceError(.misconfigured, provider: Self.provider, "GitHub App key in \(origin) \(error.description)")
        }
        let url = apiBase.appending("app/installations/\(spec.installationId)/access_tokens")
        let response = try await ProviderHTTP.send(
            .POST, url,
            headers: [
                ("Accept", "application/vnd.github+json"), ("Authorization", "Bearer \(jwt)"),
                ("X-GitHub-Api-Version", Self.apiVersion), ("User-Agent", "regcred"),
            ],
            provider: Self.provider, context: context)
        let hint =
            response.status == 404
            ? "is app \(spec.appId) installed on the organisation or account, and is installationId \(spec.installationId) its installation?"
            : "is appId \(spec.appId) right, and is the key in \(origin) one of the app's current private keys?"
        let answer = try response.tokenAnswer(
            accepting: [200, 201], provider: Self.provider, action: "installation token request to \(url)", hint: hint,
            hiding: [jwt, pem], expecting: "installation token response")
        let token = try answer.string("token")
        let expiresAt = answer.json["expires_at"]?.stringValue.flatMap(RFC3339.parse)
        return .credentials([Credential(username: Self.username, password: Redacted(token), expiresAt: expiresAt, registries: [registry])])
    }
}
