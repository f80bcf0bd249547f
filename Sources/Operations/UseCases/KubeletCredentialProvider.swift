// `regcred credential-provider`: the kubelet's image credential provider exec protocol
// (credentialprovider.kubelet.k8s.io/v1, v1beta1, v1alpha1): which images get a provider call,
// what the answer holds, and how long the kubelet may cache it.
import AsyncHTTPClient
import CredentialSources
import Foundation
import NIOCore
import RegcredCore

/// One exchange with the kubelet, as its exec plugin code (pkg/credentialprovider/plugin) treats it:
/// - an error (non-zero exit) is logged with our standard error and never cached: the next pull asks again;
/// - `cacheDuration: 0s` is not cached either; an omitted one means the provider's `defaultCacheDuration`;
/// - any other answer, an empty `auth` included, is cached for `cacheDuration` under its cache key.
///
/// So an image regcred does not serve is answered with an empty `auth` and `0s` without calling the
/// provider (the kubelet pulls with other credentials and asks again next time, at the cost of one
/// process start, without logging an error per pull); an image regcred serves gets the provider's
/// token for half its remaining lifetime; a token that is already expired is an error.
public enum KubeletCredentialProvider {
    public static let supportedAPIVersions = [
        "credentialprovider.kubelet.k8s.io/v1", "credentialprovider.kubelet.k8s.io/v1beta1",
        "credentialprovider.kubelet.k8s.io/v1alpha1",
    ]

    public struct Request: Hashable, Sendable {
        public var apiVersion: String
        public var image: ImageReference

        public init(apiVersion: String, image: ImageReference) {
            self.apiVersion = apiVersion
            self.image = image
        }
    }

    /// Parses the request; the response must carry the same apiVersion. v1alpha1, v1beta1 and v1
    /// requests and responses have the same fields.
    public static func parseRequest(_ data: Data) throws -> Request {
        let document: JSONValue
        do { document = try JSONValue(parsing: data) } catch {
            throw CredentialProviderError.malformedRequest("standard input is not JSON")
        }
        guard document["kind"]?.stringValue == "CredentialProviderRequest" else {
            throw CredentialProviderError.malformedRequest("expected kind CredentialProviderRequest")
        }
        guard let apiVersion = document["apiVersion"]?.stringValue, supportedAPIVersions.contains(apiVersion) else {
            throw CredentialProviderError.malformedRequest(
                "unsupported apiVersion \(document["apiVersion"]?.stringValue ?? "(none)"); supported: \(supportedAPIVersions.joined(separator: ", "))")
        }
        guard let text = document["image"]?.stringValue, !text.isEmpty else {
            throw CredentialProviderError.malformedRequest("the request names no image")
        }
        do {
            return Request(apiVersion: apiVersion, image: try ImageReference(parsing: text))
        } catch {
            throw CredentialProviderError.malformedRequest("image \(text): \(error)")
        }
    }

    /// The registries one configuration of the plugin serves, as kubelet match keys (globs allowed):
    /// the source's own (`CredentialSourceSpec.registryPatterns`) and those given with `--registry`.
    public struct ServedRegistries: Hashable, Sendable {
        public var patterns: [String]

        public init(_ patterns: [String]) { self.patterns = patterns }

        /// Whether the kubelet's matching rules select one of the patterns for the image.
        public func serve(_ image: ImageReference) -> Bool {
            !KubeletMatcher.lookup(image, in: patterns.map { KubeletMatcher.Candidate(key: $0, entry: ()) }).matches.isEmpty
        }
    }

    /// The whole exchange: calls `mint` only for an image `served` covers, and within `timeout`.
    /// `registries` are the hosts the minted token serves besides the source's own.
    public static func answer(
        _ request: Request, served: ServedRegistries, registries: [String], timeout: Duration,
        now: @Sendable () -> Date, mint: @escaping @Sendable () async throws -> CredentialMaterial
    ) async throws -> Data {
        guard served.serve(request.image) else {
            return encode(apiVersion: request.apiVersion, auth: [:], cacheSeconds: 0)
        }
        let material = try await withDeadline(timeout, mint)
        return try response(to: request, material: material, registries: registries, now: now())
    }

    /// The response: the entries of `material` (plus `registries`) that the kubelet's matching
    /// rules select for the image, keyed as written; `cacheDuration` half the remaining lifetime,
    /// none when the token has no known expiry, `0s` when no entry matches.
    public static func response(
        to request: Request, material: CredentialMaterial, registries: [String], now: Date
    ) throws -> Data {
        if let expiresAt = material.expiresAt, expiresAt <= now {
            throw CredentialProviderError.expiredToken(expiresAt: expiresAt, now: now)
        }
        let config = try DockerConfig(parsing: material.pullSecretContent(registries: registries), format: .dockerConfigJSON)
        let candidates = config.registries.map { KubeletMatcher.Candidate(key: $0, entry: $0) }
        var auth: [String: JSONValue] = [:]
        for match in KubeletMatcher.lookup(request.image, in: candidates).matches {
            guard let credentials = config.entries[match.key]?.effectiveCredentials else { continue }
            auth[match.key] = .object(["username": .string(credentials.username), "password": .string(credentials.password)])
        }
        let cacheSeconds: Int64? =
            if auth.isEmpty { 0 } else { material.expiresAt.map { Int64(($0.timeIntervalSince(now) / 2).rounded()) } }
        return encode(apiVersion: request.apiVersion, auth: auth, cacheSeconds: cacheSeconds)
    }

    static func encode(apiVersion: String, auth: [String: JSONValue], cacheSeconds: Int64?) -> Data {
        var response: [String: JSONValue] = [
            "apiVersion": .string(apiVersion), "kind": .string("CredentialProviderResponse"),
            "cacheKeyType": .string("Registry"), "auth": .object(auth),
        ]
        if let cacheSeconds { response["cacheDuration"] = .string(GoDuration.format(seconds: cacheSeconds)) }
        return JSONValue.object(response).encoded()
    }

    /// Runs `work`, or throws `.timedOut` once `timeout` has passed (cancelling it): the kubelet waits
    /// for the plugin while the pull waits for the kubelet.
    static func withDeadline<T: Sendable>(_ timeout: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw CredentialProviderError.timedOut(timeout)
            }
            return value
        }
    }
}

extension KubeletCredentialProvider {
    /// Connections that cannot be opened within this long count as a provider outage (never longer than the budget).
    static let connectTimeout: Duration = .seconds(2)

    /// Serves one kubelet request with tokens from `spec`: each provider call is made once (the shared
    /// client retries a refused connection until the request's deadline; this one does not), and all
    /// of them within `timeout`, because the pull waits meanwhile.
    public static func serve(
        _ requestData: Data, spec: CredentialSourceSpec, registries: [String], timeout: Duration, secrets: @escaping SourceSecrets,
        settings: SourceSettings, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Data {
        let served = ServedRegistries(spec.registryPatterns + registries)
        guard !served.patterns.isEmpty else { throw CredentialProviderError.servesNoRegistry }
        // Flags the source refuses would otherwise surface only for served images, and a bad region
        // would serve none: every image answered 0s, nothing logged.
        let problems = spec.problems(naming: settings.fieldName)
        guard problems.isEmpty else { throw SourceFlagsError(problems: problems) }
        let request = try parseRequest(requestData)
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .milliseconds(min(timeout, connectTimeout).milliseconds)
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let context = SourceContext(http: http, environment: environment, secrets: secrets, timeout: timeout, settings: settings)
        let result: Result<Data, any Error>
        do {
            result = .success(try await answer(
                request, served: served, registries: registries, timeout: timeout,
                now: Date.init, mint: { try await MintCredential.fetch(spec, context: context) }))
        } catch {
            result = .failure(error)
        }
        try? await http.shutdown()
        return try result.get()
    }
}

extension Duration {
    fileprivate var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}

public enum CredentialProviderError: UserFacingError, Equatable {
    case malformedRequest(String)
    /// The provider answered a token whose expiry has passed (a skewed clock, a broken provider).
    case expiredToken(expiresAt: Date, now: Date)
    /// The provider did not answer within the plugin's time budget.
    case timedOut(Duration)
    /// The flags name no registry, so every image would be answered with nothing.
    case servesNoRegistry

    public var kind: FailureKind {
        switch self {
        case .malformedRequest: .invalidInput
        case .expiredToken, .timedOut: .unavailable
        case .servesNoRegistry: .usage
        }
    }

    public var description: String {
        switch self {
        case .malformedRequest(let detail):
            "credential provider request: \(detail)"
        case .expiredToken(let expiresAt, let now):
            "the provider answered a token that expired at \(RFC3339.format(expiresAt)) (now \(RFC3339.format(now))); check the node's clock and the provider; the kubelet pulls without these credentials and asks again at the next pull"
        case .servesNoRegistry:
            "the flags name no registry to serve: give ecr at least one --region (or --ecr-public), gcp one --registry per host it serves"
        case .timedOut(let timeout):
            "the provider did not answer within \(Self.seconds(timeout)) (--timeout); the kubelet pulls without these credentials and asks again at the next pull"
        }
    }

    /// "5s", "2.5s".
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.milliseconds
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(Double(milliseconds) / 1000)s"
    }
}
