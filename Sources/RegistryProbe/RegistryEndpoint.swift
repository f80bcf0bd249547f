// Where a docker config key's registry answers the v2 API: the host (Docker Hub's keys mapped to
// registry-1.docker.io, as the docker client and containerd do) and the URLs the probe calls.
import RegcredCore

/// The registry API host for one docker config key.
public struct RegistryEndpoint: Hashable, Sendable {
    /// `host[:port]` the v2 API is served from.
    public let host: String
    /// The host without the port, for matching `--insecure-registry` entries.
    public let hostname: String

    /// Docker Hub's names in docker configs and image references; its API lives elsewhere.
    static let dockerHubAliases: Set<String> = ["index.docker.io", "docker.io", "registry-1.docker.io"]
    static let dockerHubAPIHost = "registry-1.docker.io"

    /// The endpoint for a docker config key (`https://index.docker.io/v1/`, `ghcr.io`,
    /// `reg:5000/team`). The key's path never changes the endpoint: the v2 API sits at the root.
    public init(key: String) throws(RegistryKeyError) {
        let parsed = try RegistryKey(parsing: key)
        if parsed.port == nil, Self.dockerHubAliases.contains(parsed.hostname.lowercased()) {
            host = Self.dockerHubAPIHost
            hostname = Self.dockerHubAPIHost
        } else {
            hostname = parsed.hostname
            host = parsed.port.map { "\(parsed.hostname):\($0)" } ?? parsed.hostname
        }
    }

    /// `https://host/v2/` (or `http://` for an insecure registry that speaks plain HTTP).
    func baseURL(scheme: String) -> String { "\(scheme)://\(host)/v2/" }

    /// `…/v2/<repository>/manifests/<reference>`.
    func manifestURL(scheme: String, repository: String, reference: String) -> String {
        "\(scheme)://\(host)/v2/\(repository)/manifests/\(reference)"
    }
}
