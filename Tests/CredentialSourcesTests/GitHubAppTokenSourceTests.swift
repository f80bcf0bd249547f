import Foundation
import RegcredCore
import Testing
import _CryptoExtras

@testable import CredentialSources

/// GitHub's `POST /app/installations/{id}/access_tokens`, under `prefix` (GitHub Enterprise
/// serves it under /api/v3): the app JWT must be signed by `key`, issued by app 12345 a minute
/// before the injected clock and expire in under ten minutes.
func gitHubAppAPI(accepting key: _RSA.Signing.PublicKey, prefix: String = "") -> @Sendable (StandInRequest) -> StandInReply {
    { request in
        guard request.method == "POST", request.path.hasPrefix(prefix + "/app/installations/"), request.path.hasSuffix("/access_tokens") else {
            return .json(404, ["message": .string("Not Found")])
        }
        guard request.header("accept") == "application/vnd.github+json", request.header("x-github-api-version") == "2022-11-28",
            request.header("user-agent") != nil
        else { return .json(400, ["message": .string("missing Accept, X-GitHub-Api-Version or User-Agent")]) }
        guard let bearer = request.header("authorization"), bearer.hasPrefix("Bearer "), let jwt = TestJWT(String(bearer.dropFirst(7))),
            jwt.isSigned(by: key)
        else { return .json(401, ["message": .string("A JSON web token could not be decoded")]) }
        let now = Int64(testNow.timeIntervalSince1970)
        guard jwt.claims["iss"] == .string("12345"), jwt.claims["iat"]?.integerValue == now - 60,
            let exp = jwt.claims["exp"]?.integerValue, exp > now, exp - (now - 60) <= 600
        else { return .json(401, ["message": .string("'Expiration time' claim ('exp') is too far in the future")]) }
        guard request.path == prefix + "/app/installations/42/access_tokens" else { return .json(404, ["message": .string("Not Found")]) }
        return .json(201, [
            "token": .string("ghs_installationtoken0123456789"),
            "expires_at": .string(RFC3339.format(testNow.addingTimeInterval(3600))),
            "permissions": .object(["packages": .string("read")]),
        ])
    }
}

@Suite("The githubApp source")
struct GitHubAppTokenSourceTests {
    static func source(
        api: String, pem: String?, installation: String = "42", registry: String? = nil, secretKey: String = "private-key.pem"
    ) throws -> any CredentialSource {
        let spec = GitHubAppSourceSpec(
            appId: "12345", installationId: installation, privateKeySecretRef: SecretKeyReference(name: "gh-app"), apiURL: api, registry: registry)
        let secrets = pem.map { ["gh-app": [secretKey: Data($0.utf8)]] } ?? [:]
        return try CredentialSourceSpec(githubApp: spec).makeSource(context: tokenSourceContext(secrets: secrets))
    }

    @Test("an app JWT buys an installation token for ghcr.io with GitHub's expiry", arguments: ["pkcs1", "pkcs8"])
    func installationToken(format: String) async throws {
        let pem = format == "pkcs1" ? TestKeys.first.pemRepresentation : TestKeys.first.pkcs8PEMRepresentation
        try await ProviderStandIn.serving(gitHubAppAPI(accepting: TestKeys.first.publicKey)) { github in
            let source = try Self.source(api: github.baseURL, pem: pem)
            let credential = try #require(onlyCredential(try await source.fetch()))
            #expect(credential.username == "x-access-token")
            #expect(credential.password.value == "ghs_installationtoken0123456789")
            #expect(credential.expiresAt == testNow.addingTimeInterval(3600))
            #expect(credential.registries == ["ghcr.io"])
            #expect(github.requests.only?.path == "/app/installations/42/access_tokens")
            #expect(source.summary == "githubApp 12345 installation 42 for ghcr.io")
        }
    }

    @Test("GitHub Enterprise: apiURL with a path and a registry of its own")
    func enterprise() async throws {
        try await ProviderStandIn.serving(gitHubAppAPI(accepting: TestKeys.first.publicKey, prefix: "/api/v3")) { github in
            let source = try Self.source(api: github.baseURL + "/api/v3/", pem: TestKeys.first.pemRepresentation, registry: "containers.ghe.example.com")
            #expect(onlyCredential(try await source.fetch())?.registries == ["containers.ghe.example.com"])
        }
    }

    @Test("failures have the right kind, say what to fix, and never show the key, the JWT or a token")
    func failures() async throws {
        let pem = TestKeys.second.pemRepresentation
        let closed = ProviderStandIn.closedURL
        try await ProviderStandIn.serving(gitHubAppAPI(accepting: TestKeys.first.publicKey)) { github in
            let good = TestKeys.first.pemRepresentation
            let cases: [(name: String, source: any CredentialSource, kind: CredentialSourceError.Kind, says: String)] = [
                ("a key that is not the app's", try Self.source(api: github.baseURL, pem: pem), .rejected,
                 "A JSON web token could not be decoded; is appId 12345 right"),
                ("an installation the app does not have", try Self.source(api: github.baseURL, pem: good, installation: "7"), .misconfigured,
                 "HTTP 404: Not Found; is app 12345 installed"),
                ("GitHub is down", try Self.source(api: closed, pem: good), .unreachable, "cannot reach"),
                ("not a PEM", try Self.source(api: github.baseURL, pem: "ghp_not_a_key"), .misconfigured,
                 "GitHub App key in secret gh-app (key private-key.pem) is not PEM text"),
                ("the secret is missing", try Self.source(api: github.baseURL, pem: nil), .secretMissing, "secret gh-app does not exist"),
                ("the secret lacks the key", try Self.source(api: github.baseURL, pem: good, secretKey: "key.pem"), .secretMissing,
                 "has no key private-key.pem (it has: key.pem)"),
            ]
            for entry in cases {
                let error = try #require(await fetchError(entry.source), "\(entry.name)")
                #expect(error.kind == entry.kind, "\(entry.name): \(error)")
                #expect(error.message.contains(entry.says), "\(entry.name): \(error)")
                let jwts = github.requests.compactMap { $0.header("authorization") }.map { String($0.dropFirst(7)) }
                #expect(leakedSecrets(in: error.description, pem: pem, others: jwts + ["ghs_installationtoken0123456789"]).isEmpty)
                #expect(leakedSecrets(in: error.description, pem: good).isEmpty)
            }
        }
    }

    @Test("a 5xx is .providerError; a success without a token is .providerError")
    func providerStatuses() async throws {
        try await ProviderStandIn.serving({ _ in .json(500, ["message": .string("Server Error")]) }) { github in
            let source = try Self.source(api: github.baseURL, pem: TestKeys.first.pemRepresentation)
            #expect(await fetchError(source)?.kind == .providerError)
        }
        try await ProviderStandIn.serving({ _ in .json(201, ["expires_at": .string("2027-01-15T08:00:00Z")]) }) { github in
            let error = await fetchError(try Self.source(api: github.baseURL, pem: TestKeys.first.pemRepresentation))
            #expect(error?.kind == .providerError && error?.message.contains("no token") == true)
        }
    }
}
