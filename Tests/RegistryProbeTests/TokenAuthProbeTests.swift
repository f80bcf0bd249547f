// The Bearer flow checked by a real docker-registry with token auth, backed by a token issuer
// that signs RS256 JWTs: repository scopes decide who may pull what.
import Foundation
import TestPeers
import RegcredCore
import RegistryProbe
import Testing

@Suite("probing a token-auth registry", .serialized)
struct TokenAuthProbeTests {
    static let robotPassword = "robot-pässword-1"
    static let pusherPassword = "pusher-password-2"
    static let accounts: [String: TokenIssuer.Account] = [
        "robot": .init(password: robotPassword, pull: ["team/app"], push: []),
        "pusher": .init(password: pusherPassword, pull: ["*"], push: ["*"]),
    ]
    static var robot: Credential { Credential(username: "robot", password: Redacted(robotPassword)) }

    /// A registry holding team/app:1 and other/app:1, and a prober that trusts its CA and may
    /// send credentials to the issuer's plain-HTTP realm.
    func withRegistry(_ body: (DockerRegistry, RegistryProber) async throws -> Void) async throws {
        try await TemporaryDirectory.with { directory in
            try await TokenIssuer.withRunning(in: directory, accounts: Self.accounts) { issuer in
                try await DockerRegistry.withRunning(in: directory, authentication: .token(issuer.registryService)) { registry in
                    for repository in ["team/app", "other/app"] {
                        try await registry.push(repository: repository, tag: "1", user: "pusher", password: Self.pusherPassword, in: directory)
                    }
                    let configuration = ProbeConfiguration(
                        timeout: .seconds(20), insecureRegistries: [issuer.host], caFile: registry.caCertificate.path)
                    try await RegistryProber.withProber(configuration: configuration) { prober in
                        try await body(registry, prober)
                    }
                }
            }
        }
    }

    @Test("a robot may pull team/app but not other/app")
    func repositoryScopes() async throws {
        try await withRegistry { registry, prober in
            let allowed = await prober.probe(
                registry: registry.host, credential: Self.robot, image: try ImageReference(parsing: "\(registry.host)/team/app:1"))
            #expect(allowed == .ok(scheme: .bearer), "\(registry.log)")
            let denied = await prober.probe(
                registry: registry.host, credential: Self.robot, image: try ImageReference(parsing: "\(registry.host)/other/app:1"))
            #expect(denied == .noPullPermission(repository: "other/app"))
            #expect(await prober.probe(registry: registry.host, credential: Self.robot) == .ok(scheme: .bearer))
        }
    }

    @Test("a missing tag in a permitted repository is not found")
    func missingTag() async throws {
        try await withRegistry { registry, prober in
            let image = try ImageReference(parsing: "\(registry.host)/team/app:404")
            #expect(await prober.probe(registry: registry.host, credential: Self.robot, image: image) == .notFound(image: image.description))
        }
    }

    @Test("a wrong password is rejected by the token service")
    func wrongPassword() async throws {
        try await withRegistry { registry, prober in
            let result = await prober.probe(registry: registry.host, credential: Credential(username: "robot", password: Redacted("wrong")))
            #expect(result == .credentialsRejected)
        }
    }

    @Test("credentials are not sent to a plain-HTTP token service unless its host is insecure")
    func plainHTTPRealmNeedsConsent() async throws {
        try await withRegistry { registry, _ in
            let result = try await RegistryProber.withProber(
                configuration: ProbeConfiguration(caFile: registry.caCertificate.path)
            ) { prober in
                await prober.probe(registry: registry.host, credential: Self.robot)
            }
            guard case .protocolError(let detail) = result else {
                Issue.record("expected a refusal to send credentials over HTTP, got \(result)")
                return
            }
            #expect(detail.contains("--insecure-registry 127.0.0.1:"))
            #expect(!detail.contains(Self.robotPassword))
        }
    }
}
