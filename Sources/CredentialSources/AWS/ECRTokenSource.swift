// The `ecr` source: one GetAuthorizationToken call (AWS JSON 1.1, SigV4) per region, and one to ECR Public
// when asked, with AWS credentials from a Secret or the SDKs' chain, optionally through an assumed role.
import Foundation
import NIOHTTP1
import RegcredCore

public struct ECRTokenSource: CredentialSource {
    public let spec: ECRSourceSpec
    let context: SourceContext
    let cache: AWSCredentialCache

    /// Temporary credentials are reused until this long before they expire.
    static let credentialRenewalMargin: TimeInterval = 5 * 60

    public init(spec: ECRSourceSpec, context: SourceContext) {
        self.spec = spec
        self.context = context
        self.cache = AWSCredentialCache()
    }

    public var summary: String {
        var parts = spec.regions ?? []
        if spec.public == true { parts.append("public") }
        var text = "ecr " + parts.joined(separator: ", ")
        if let ids = spec.registryIds, !ids.isEmpty { text += " (registries \(ids.joined(separator: ", ")))" }
        if let role = spec.roleArn { text += " as \(role)" }
        return text
    }

    public func fetch() async throws(CredentialSourceError) -> CredentialMaterial {
        let regions = spec.regions ?? []
        guard !regions.isEmpty || spec.public == true else {
            let settings = context.settings
            throw CredentialSourceError(
                .misconfigured, provider: "ecr",
                "name at least one region (\(settings.name(ofField: "ecr.regions") ?? "regions")) or ask for ECR Public (\(settings.name(ofField: "ecr.public") ?? "public"))")
        }
        let credentials = try await awsCredentials()
        let results = await withTaskGroup(of: Result<[Credential], CredentialSourceError>.self) { group in
            for region in regions {
                group.addTask {
                    do throws(CredentialSourceError) {
                        return .success(try await self.privateToken(region: region, credentials: credentials))
                    } catch { return .failure(error) }
                }
            }
            if spec.public == true {
                group.addTask {
                    do throws(CredentialSourceError) {
                        return .success(try await self.publicToken(credentials: credentials))
                    } catch { return .failure(error) }
                }
            }
            var all: [Result<[Credential], CredentialSourceError>] = []
            for await result in group { all.append(result) }
            return all
        }
        var tokens: [Credential] = []
        for result in results {
            switch result {
            case .success(let credentials): tokens += credentials
            case .failure(let error):
                // Refused credentials may be stale temporary ones: mint new ones next time.
                if error.kind == .rejected { await cache.clear() }
                throw error
            }
        }
        guard !tokens.isEmpty else {
            throw CredentialSourceError(.providerError, provider: "ecr", "GetAuthorizationToken answered no authorization data")
        }
        return .credentials(tokens.sorted { ($0.registries ?? []).lexicographicallyPrecedes($1.registries ?? []) })
    }

    // MARK: AWS credentials

    /// The region STS is called in: the pod's (AWS_REGION, as IRSA and Pod Identity set it), else the first ECR region.
    var stsRegion: String {
        context.environment["AWS_REGION"] ?? context.environment["AWS_DEFAULT_REGION"] ?? spec.regions?.first ?? AWSEndpoints.ecrPublicRegion
    }

    var sts: STSClient {
        STSClient(
            endpoint: AWSEndpoints.url(for: .sts, region: stsRegion, override: spec.stsEndpoint, environment: context.environment),
            region: stsRegion, context: context)
    }

    /// Base credentials (Secret, else the chain), then the role on top; temporary results are cached until
    /// shortly before they expire so that each refresh does not assume the role again.
    func awsCredentials() async throws(CredentialSourceError) -> AWSCredentials {
        let now = context.now()
        if let cached = await cache.credentials(validAt: now.addingTimeInterval(Self.credentialRenewalMargin)) { return cached }
        var credentials = try await baseCredentials()
        if let roleArn = spec.roleArn {
            credentials = try await sts.assumeRole(
                base: credentials, roleArn: roleArn, externalId: spec.externalId, sessionName: "regcred-\(Int(now.timeIntervalSince1970))")
        }
        if credentials.expiration != nil { await cache.store(credentials) }
        return credentials
    }

    func baseCredentials() async throws(CredentialSourceError) -> AWSCredentials {
        guard let name = spec.credentialsSecretRef?.name else {
            return try await AWSCredentialChain(context: context, sts: sts).resolve().credentials
        }
        guard let data = await context.secrets(name) else {
            throw CredentialSourceError(
                .secretMissing, provider: "ecr", "AWS credentials secret \(name) does not exist; create it with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY keys")
        }
        func text(_ key: String) -> String? {
            data[key].map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        guard let credentials = AWSCredentials.from(
            accessKeyId: text("AWS_ACCESS_KEY_ID"), secretAccessKey: text("AWS_SECRET_ACCESS_KEY"), sessionToken: text("AWS_SESSION_TOKEN"))
        else {
            throw CredentialSourceError(
                .secretMissing, provider: "ecr",
                "AWS credentials secret \(name) needs non-empty AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY keys; it has: \(data.keys.sorted().joined(separator: ", "))")
        }
        return credentials
    }

    // MARK: GetAuthorizationToken

    static let privateTarget = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"
    static let publicTarget = "SpencerFrontendService.GetAuthorizationToken"
    static let rejectedHint = "check the access key, secret key and session token, and that they allow ecr:GetAuthorizationToken"

    func privateToken(region: String, credentials: AWSCredentials) async throws(CredentialSourceError) -> [Credential] {
        var body: [String: JSONValue] = [:]
        if let ids = spec.registryIds, !ids.isEmpty { body["registryIds"] = .array(ids.map(JSONValue.string)) }
        let endpoint = AWSEndpoints.url(for: .ecr, region: region, override: spec.endpoint, environment: context.environment)
        let json = try await call(
            endpoint: endpoint, region: region, service: .ecr, target: Self.privateTarget, body: body, credentials: credentials,
            action: "GetAuthorizationToken in \(region)")
        guard let data = json["authorizationData"]?.arrayValue, data.allSatisfy({ $0.objectValue != nil }) else {
            throw CredentialSourceError(.providerError, provider: "ecr", "GetAuthorizationToken in \(region) answered without authorizationData")
        }
        var tokens: [Credential] = []
        for datum in data {
            tokens.append(try Self.credential(from: datum, registry: nil, region: region))
        }
        return tokens
    }

    func publicToken(credentials: AWSCredentials) async throws(CredentialSourceError) -> [Credential] {
        let region = AWSEndpoints.ecrPublicRegion
        let endpoint = AWSEndpoints.url(for: .ecrPublic, region: region, override: spec.endpoint, environment: context.environment)
        let json = try await call(
            endpoint: endpoint, region: region, service: .ecrPublic, target: Self.publicTarget, body: [:], credentials: credentials,
            action: "ECR Public GetAuthorizationToken")
        guard let datum = json["authorizationData"], datum.objectValue != nil else {
            throw CredentialSourceError(.providerError, provider: "ecr", "ECR Public GetAuthorizationToken answered without authorizationData")
        }
        return [try Self.credential(from: datum, registry: AWSEndpoints.ecrPublicRegistry, region: region)]
    }

    /// One signed AWS JSON 1.1 call; the answer's JSON object, or the AWS error mapped to a kind.
    func call(
        endpoint: String, region: String, service: AWSService, target: String, body: [String: JSONValue], credentials: AWSCredentials,
        action: String
    ) async throws(CredentialSourceError) -> JSONValue {
        guard let url = URL(string: endpoint + "/") else {
            throw CredentialSourceError(.misconfigured, provider: "ecr", "endpoint \(endpoint) is not a URL")
        }
        let payload = JSONValue.object(body).encoded()
        let request = SigV4Request(
            method: "POST", url: url, headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", target)], body: payload)
        let headers = SigV4Signer(credentials: credentials, region: region, service: service.signingName).signedHeaders(for: request, at: context.now())
        let response = try await ProviderHTTP.send(.POST, url.absoluteString, headers: headers, body: payload, provider: "ecr", context: context)
        guard response.status == 200 else {
            throw AWSErrorResponse(status: response.status, body: response.body).error(provider: "ecr", doing: action, hint: Self.rejectedHint)
        }
        return try response.json(provider: "ecr", expecting: "GetAuthorizationToken answer")
    }

    /// `authorizationToken` is base64 of `AWS:<password>`; `expiresAt` is epoch seconds (possibly fractional);
    /// the host comes from `proxyEndpoint` (private) or is `public.ecr.aws`.
    static func credential(from datum: JSONValue, registry: String?, region: String) throws(CredentialSourceError) -> Credential {
        guard let encoded = datum["authorizationToken"]?.stringValue, let decoded = Data(base64Encoded: encoded),
              let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        else {
            throw CredentialSourceError(.providerError, provider: "ecr", "GetAuthorizationToken in \(region) answered an authorizationToken that is not base64 user:password")
        }
        let username = String(pair[..<colon])
        let password = String(pair[pair.index(after: colon)...])
        guard !password.isEmpty else {
            throw CredentialSourceError(.providerError, provider: "ecr", "GetAuthorizationToken in \(region) answered an empty password")
        }
        let host = registry ?? datum["proxyEndpoint"]?.stringValue.map(Self.host(ofEndpoint:))
        guard let host, !host.isEmpty else {
            throw CredentialSourceError(.providerError, provider: "ecr", "GetAuthorizationToken in \(region) answered no proxyEndpoint")
        }
        let expiresAt = epochSeconds(datum["expiresAt"]).map { Date(timeIntervalSince1970: $0) }
        return Credential(username: username.isEmpty ? "AWS" : username, password: Redacted(password), expiresAt: expiresAt, registries: [host])
    }

    static func epochSeconds(_ value: JSONValue?) -> Double? {
        switch value {
        case .integer(let number): Double(number)
        case .double(let number): number
        default: nil
        }
    }

    /// `https://123456789012.dkr.ecr.eu-west-1.amazonaws.com` → `123456789012.dkr.ecr.eu-west-1.amazonaws.com`.
    static func host(ofEndpoint endpoint: String) -> String {
        var host = Substring(endpoint)
        if let scheme = host.range(of: "://") { host = host[scheme.upperBound...] }
        return BaseURL(host).text
    }
}

/// Temporary AWS credentials shared by the fetches of one source.
actor AWSCredentialCache {
    private var cached: AWSCredentials?

    /// The cached credentials if they are still valid at `date` (the caller adds its margin).
    func credentials(validAt date: Date) -> AWSCredentials? {
        guard let cached, let expiration = cached.expiration, expiration > date else { return nil }
        return cached
    }

    func store(_ credentials: AWSCredentials) { cached = credentials }
    func clear() { cached = nil }
}
