// Performs the Docker Registry v2 auth handshake the way container runtimes do, over one shared
// HTTP client per run (connections are reused across registries and entries).
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import RegcredCore

/// Probes registries with credentials:
///
/// 1. `GET /v2/` without credentials: 200 is anonymous access; 401 carries the challenges.
/// 2. `Basic`: `GET /v2/` again with the credentials.
///    `Bearer`: `GET realm?service=…&scope=repository:<name>:pull` with the credentials as
///    basic auth; the answer's `token` (or `access_token`) then goes to `GET /v2/`.
/// 3. With an image, `HEAD /v2/<name>/manifests/<tag or digest>` with the runtimes' Accept
///    headers proves the right to pull it.
///
/// TLS is verified unless the host is listed in ``ProbeConfiguration/insecureRegistries``;
/// such a host is tried over HTTPS without verification first, then over plain HTTP, as
/// docker does. Redirects are not followed, so credentials never travel to another host.
public final class RegistryProber: Sendable {
    private let client: HTTPClient
    private let configuration: ProbeConfiguration
    private let insecureTLS: TLSConfiguration

    /// Bodies the probe reads (token answers) are small; anything larger is refused.
    static let maximumBody = 1 << 20

    /// The media types `containerd` and `docker pull` accept for a manifest.
    static let manifestMediaTypes = [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]

    public init(configuration: ProbeConfiguration = ProbeConfiguration()) throws(ProbeConfigurationError) {
        self.configuration = configuration
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = configuration.caFile {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !certificates.isEmpty else {
                    throw ProbeConfigurationError.unreadableCAFile(path: caFile, reason: "it holds no PEM certificate")
                }
                tls.additionalTrustRoots = [.certificates(certificates)]
            } catch let error as ProbeConfigurationError {
                throw error
            } catch {
                let reason = FileManager.default.isReadableFile(atPath: caFile) ? "it is not a PEM certificate bundle" : "no such readable file"
                throw .unreadableCAFile(path: caFile, reason: reason)
            }
        }
        var insecure = tls
        insecure.certificateVerification = .none
        insecureTLS = insecure
        let timeout = TimeAmount.nanoseconds(configuration.timeout.totalNanoseconds)
        var clientConfiguration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: timeout, read: timeout))
        // A refused connection or a failed handshake is the answer; retrying until the deadline would hide it.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
    }

    /// Closes every connection; call once when the run is over.
    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Runs `body` with a prober and shuts it down afterwards, whether `body` returns or throws.
    public static func withProber<T>(
        configuration: ProbeConfiguration = ProbeConfiguration(), _ body: (RegistryProber) async throws -> T
    ) async throws -> T {
        let prober = try RegistryProber(configuration: configuration)
        do {
            let result = try await body(prober)
            await prober.shutdown()
            return result
        } catch {
            await prober.shutdown()
            throw error
        }
    }

    /// Checks `credential` (nil: anonymous) against the registry of the docker config key
    /// `registry`, and, when `image` is given, the right to pull that image's manifest from it.
    public func probe(registry key: String, credential: Credential?, image: ImageReference? = nil) async -> ProbeResult {
        let endpoint: RegistryEndpoint
        do { endpoint = try RegistryEndpoint(key: key) } catch { return .invalidRegistryKey(error.reason) }
        let insecure = configuration.isInsecure(host: endpoint.host)

        // Step 1: the anonymous ping, which also tells which scheme answers.
        var scheme = "https"
        let ping: Answer
        do {
            ping = try await send(.GET, endpoint.baseURL(scheme: scheme), insecure: insecure)
        } catch {
            guard insecure else { return error.result }
            scheme = "http"
            do { ping = try await send(.GET, endpoint.baseURL(scheme: scheme), insecure: insecure) } catch { return error.result }
        }

        do {
            return try await authenticate(
                endpoint: endpoint, scheme: scheme, insecure: insecure, ping: ping, credential: credential, image: image)
        } catch {
            return error.result
        }
    }

    // MARK: - Handshake steps

    private func authenticate(
        endpoint: RegistryEndpoint, scheme: String, insecure: Bool, ping: Answer, credential: Credential?, image: ImageReference?
    ) async throws(TransportProblem) -> ProbeResult {
        var authorization: String?
        var used = AuthScheme.anonymous
        switch ping.status {
        case 200:
            break
        case 401:
            let challenges: [AuthChallenge]
            // The raw header values: `canonicalForm` would split them at every comma, inside quotes too.
            do { challenges = try AuthChallenge.parse(headers: ping.headers["WWW-Authenticate"]) } catch {
                return .protocolError("the registry answered 401 with an unreadable challenge: \(error)")
            }
            if let bearer = challenges.first(where: { $0.scheme == "bearer" }) {
                let scope = image.map { "repository:\($0.repository):pull" } ?? bearer[parameter: "scope"]
                switch try await fetchToken(bearer, scope: scope, credential: credential) {
                case .success(let token): authorization = "Bearer \(token)"
                case .failure(let verdict): return verdict.result
                }
                used = credential == nil ? .anonymous : .bearer
            } else if challenges.contains(where: { $0.scheme == "basic" }) {
                guard let credential else { return .credentialsRequired }
                authorization = Self.basicAuthorization(credential)
                used = .basic
            } else {
                let offered = challenges.map(\.scheme).joined(separator: ", ")
                return .protocolError("the registry offers only \(offered) authentication; registries use Basic or Bearer")
            }
            let retry = try await send(.GET, endpoint.baseURL(scheme: scheme), authorization: authorization, insecure: insecure)
            switch retry.status {
            case 200: break
            case 401, 403: return credential == nil ? .credentialsRequired : .credentialsRejected
            default: return .unexpected(status: retry.status, detail: "from GET /v2/ with credentials")
            }
        default:
            return .unexpected(status: ping.status, detail: "from GET /v2/ (a registry answers 200 or 401)")
        }

        guard let image else { return .ok(scheme: used) }
        let reference = image.digest ?? image.tag ?? "latest"
        let head = try await send(
            .HEAD, endpoint.manifestURL(scheme: scheme, repository: image.repository, reference: reference),
            authorization: authorization, accept: Self.manifestMediaTypes, insecure: insecure)
        switch head.status {
        case 200: return .ok(scheme: used)
        case 404: return .notFound(image: image.description)
        case 401, 403: return .noPullPermission(repository: image.repository)
        default: return .unexpected(status: head.status, detail: "from HEAD of the manifest of \(image.description)")
        }
    }

    /// Why a token could not be had; distinct from transport failures, which are thrown.
    private struct TokenRefusal: Error {
        let result: ProbeResult
    }

    private func fetchToken(
        _ challenge: AuthChallenge, scope: String?, credential: Credential?
    ) async throws(TransportProblem) -> Result<String, TokenRefusal> {
        guard let realm = challenge.realm, var components = URLComponents(string: realm),
            let realmScheme = components.scheme?.lowercased(), realmScheme == "https" || realmScheme == "http",
            let realmHost = components.host, !realmHost.isEmpty
        else {
            return .failure(TokenRefusal(result: .protocolError("the Bearer challenge has no usable realm (token service URL)")))
        }
        let realmAuthority = components.port.map { "\(realmHost):\($0)" } ?? realmHost
        let insecure = configuration.isInsecure(host: realmAuthority)
        let realmForMessages = "\(realmScheme)://\(realmAuthority)\(components.path)"
        if realmScheme == "http", credential != nil, !insecure {
            return .failure(TokenRefusal(result: .protocolError(
                "the token service \(realmForMessages) uses plain HTTP; regcred sends credentials over it only with --insecure-registry \(realmAuthority)")))
        }
        var query = components.queryItems ?? []
        if let service = challenge[parameter: "service"] { query.append(URLQueryItem(name: "service", value: service)) }
        if let scope { query.append(URLQueryItem(name: "scope", value: scope)) }
        components.queryItems = query.isEmpty ? nil : query
        guard let url = components.string else {
            return .failure(TokenRefusal(result: .protocolError("the token service URL \(realmForMessages) cannot be built")))
        }

        let answer = try await send(
            .GET, url, authorization: credential.map(Self.basicAuthorization), insecure: insecure, readBody: true)
        switch answer.status {
        case 200:
            guard let token = BearerTokenResponse.token(in: answer.body) else {
                return .failure(TokenRefusal(result: .protocolError(
                    "the token service \(realmForMessages) answered 200 without a token or access_token")))
            }
            return .success(token)
        case 401, 403:
            return .failure(TokenRefusal(result: credential == nil ? .credentialsRequired : .credentialsRejected))
        default:
            return .failure(TokenRefusal(result: .unexpected(status: answer.status, detail: "from the token service \(realmForMessages)")))
        }
    }

    static func basicAuthorization(_ credential: Credential) -> String {
        "Basic " + BasicAuthField.encode(username: credential.username, password: credential.password.value)
    }

    // MARK: - HTTP

    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let body: Data
    }

    private func send(
        _ method: HTTPMethod, _ url: String, authorization: String? = nil, accept: [String] = [], insecure: Bool,
        readBody: Bool = false
    ) async throws(TransportProblem) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        for type in accept { request.headers.add(name: "Accept", value: type) }
        if insecure { request.tlsConfiguration = insecureTLS }
        do {
            let response = try await client.execute(
                request, timeout: .nanoseconds(configuration.timeout.totalNanoseconds))
            var body = Data()
            if readBody {
                body = Data(try await response.body.collect(upTo: Self.maximumBody).readableBytesView)
            } else {
                // Drain so the connection returns to the pool.
                for try await _ in response.body {}
            }
            return Answer(status: Int(response.status.code), headers: response.headers, body: body)
        } catch {
            throw TransportProblem.classify(error)
        }
    }
}

extension Duration {
    var totalNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
