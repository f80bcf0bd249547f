// The probe against a real docker-registry with htpasswd (Basic) auth over TLS from a throw-away CA.
import Foundation
import TestPeers
import RegcredCore
import RegistryProbe
import Testing

@Suite("probing a Basic-auth registry", .serialized)
struct BasicAuthProbeTests {
    static let user = "alice"
    static let password = "s3cret-pässword"
    static var alice: Credential { Credential(username: user, password: Redacted(password)) }

    func withRegistry<T>(tls: Bool = true, _ body: (DockerRegistry, TemporaryDirectory) async throws -> T) async throws -> T {
        try await TemporaryDirectory.with { directory in
            try await DockerRegistry.withRunning(in: directory, authentication: .htpasswd([Self.user: Self.password]), tls: tls) {
                try await body($0, directory)
            }
        }
    }

    func probe(
        _ registry: DockerRegistry, _ credential: Credential?, image: String? = nil, trustCA: Bool = true, insecure: Bool = false
    ) async throws -> ProbeResult {
        let configuration = ProbeConfiguration(
            timeout: .seconds(20), insecureRegistries: insecure ? [registry.host] : [], caFile: trustCA ? registry.caCertificate.path : nil)
        let reference = try image.map { try ImageReference(parsing: $0) }
        return try await RegistryProber.withProber(configuration: configuration) { prober in
            await prober.probe(registry: registry.host, credential: credential, image: reference)
        }
    }

    @Test("the right password is accepted with basic auth")
    func rightPassword() async throws {
        try await withRegistry { registry, _ in
            let result = try await probe(registry, Self.alice)
            #expect(result == .ok(scheme: .basic), "\(registry.log)")
        }
    }

    @Test("a wrong password is rejected, and no description shows a password")
    func wrongPassword() async throws {
        try await withRegistry { registry, _ in
            let result = try await probe(registry, Credential(username: Self.user, password: Redacted("not-the-password")))
            #expect(result == .credentialsRejected)
            #expect(!result.description.contains("not-the-password"))
        }
    }

    @Test("without credentials the registry's refusal reads as credentials required")
    func anonymous() async throws {
        try await withRegistry { registry, _ in
            let result = try await probe(registry, nil)
            #expect(result == .credentialsRequired)
        }
    }

    @Test("an untrusted certificate is a TLS failure unless the CA is given or the host is insecure")
    func untrustedCertificate() async throws {
        try await withRegistry { registry, _ in
            let untrusted = try await probe(registry, Self.alice, trustCA: false)
            guard case .tlsFailure(let detail) = untrusted else {
                Issue.record("expected a TLS failure, got \(untrusted)")
                return
            }
            #expect(detail.contains("not trusted"), "\(detail)")
            #expect(try await probe(registry, Self.alice, trustCA: false, insecure: true) == .ok(scheme: .basic))
            #expect(try await probe(registry, Self.alice, trustCA: true) == .ok(scheme: .basic))
        }
    }

    @Test("a plain-HTTP registry needs --insecure-registry")
    func plainHTTP() async throws {
        try await withRegistry(tls: false) { registry, _ in
            let refused = try await probe(registry, Self.alice, trustCA: false)
            #expect(refused.label == "tls-failure", "\(refused)")
            #expect(try await probe(registry, Self.alice, trustCA: false, insecure: true) == .ok(scheme: .basic))
        }
    }

    @Test("a pushed image's manifest is found; a missing tag is not")
    func manifestChecks() async throws {
        try await withRegistry { registry, directory in
            try await registry.push(repository: "team/app", tag: "1", user: Self.user, password: Self.password, in: directory)
            #expect(try await probe(registry, Self.alice, image: "\(registry.host)/team/app:1") == .ok(scheme: .basic))
            #expect(try await probe(registry, Self.alice, image: "\(registry.host)/team/app:2") == .notFound(image: "\(registry.host)/team/app:2"))
        }
    }

    @Test("nothing listening is unreachable")
    func nothingListening() async throws {
        let port = try FreePort.pick()
        let result = try await RegistryProber.withProber(configuration: ProbeConfiguration(timeout: .seconds(5))) { prober in
            await prober.probe(registry: "127.0.0.1:\(port)", credential: Self.alice)
        }
        guard case .unreachable(let detail) = result else {
            Issue.record("expected unreachable, got \(result)")
            return
        }
        #expect(detail.contains("refused"), "\(detail)")
    }

    @Test("one prober serves many handshakes over reused connections")
    func reuse() async throws {
        try await withRegistry { registry, _ in
            let configuration = ProbeConfiguration(caFile: registry.caCertificate.path)
            let results = try await RegistryProber.withProber(configuration: configuration) { prober in
                var results: [ProbeResult] = []
                for _ in 0..<20 { results.append(await prober.probe(registry: registry.host, credential: Self.alice)) }
                return results
            }
            #expect(results.allSatisfy { $0 == .ok(scheme: .basic) })
        }
    }
}
