// Which host a docker config key's probe talks to, and which hosts --insecure-registry covers.
import TestPeers
import RegistryProbe
import Testing

@Suite("registry endpoints and insecure hosts")
struct RegistryEndpointTests {
    @Test(
        "docker config keys map to the API host",
        arguments: [
            ("https://index.docker.io/v1/", "registry-1.docker.io"),
            ("index.docker.io", "registry-1.docker.io"),
            ("docker.io", "registry-1.docker.io"),
            ("ghcr.io", "ghcr.io"),
            ("https://ghcr.io/v2/", "ghcr.io"),
            ("reg.example.com:5000/team", "reg.example.com:5000"),
            ("http://127.0.0.1:5000", "127.0.0.1:5000"),
            ("docker.io:443", "docker.io:443"),
        ])
    func endpoints(key: String, host: String) throws {
        #expect(try RegistryEndpoint(key: key).host == host)
    }

    @Test("a key the kubelet cannot parse is refused")
    func invalidKey() {
        #expect(throws: (any Error).self) { try RegistryEndpoint(key: "reg:port") }
    }

    @Test(
        "insecure entries match host and port",
        arguments: [
            (["127.0.0.1:5000"], "127.0.0.1:5000", true),
            (["127.0.0.1:5000"], "127.0.0.1:5001", false),
            (["127.0.0.1"], "127.0.0.1:5001", true),
            (["http://Reg.Example.com/"], "reg.example.com", true),
            (["reg.example.com"], "other.example.com", false),
            (["[::1]"], "[::1]:5000", true),
            ([], "reg.example.com", false),
        ] as [([String], String, Bool)])
    func insecureMatching(entries: [String], host: String, insecure: Bool) {
        #expect(ProbeConfiguration(insecureRegistries: entries).isInsecure(host: host) == insecure)
    }

    @Test("a missing CA file is refused before any request")
    func missingCAFile() {
        #expect(throws: ProbeConfigurationError.unreadableCAFile(path: "/nonexistent/ca.pem", reason: "no such readable file")) {
            _ = try RegistryProber(configuration: ProbeConfiguration(caFile: "/nonexistent/ca.pem"))
        }
    }
}
