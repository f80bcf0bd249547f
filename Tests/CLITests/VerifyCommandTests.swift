// `regcred verify --file` against a real docker-registry (htpasswd + TLS from a throw-away CA):
// one row per entry, exit 0 when all pass, 1 when one fails, never a password in the output.
import Foundation
import TestPeers
import RegcredCore
import Testing

@Suite("regcred verify against a registry", .serialized)
struct VerifyCommandTests {
    static let user = "alice"
    static let password = "verify-pässword-1"

    /// `{"auths":{HOST:{username,password,auth}}}` for alice with `password`, written to `name`.
    static func config(host: String, password: String, extraHost: String? = nil) -> String {
        let auth = Data("\(user):\(password)".utf8).base64EncodedString()
        var entries = [#""\#(host)":{"username":"\#(user)","password":"\#(password)","auth":"\#(auth)"}"#]
        if let extraHost { entries.append(#""\#(extraHost)":{"username":"\#(user)","password":"\#(password)","auth":"\#(auth)"}"#) }
        return #"{"auths":{\#(entries.joined(separator: ","))}}"#
    }

    @Test("verify --file with the right password prints ok and exits 0")
    func rightPassword() async throws {
        try await TemporaryDirectory.with { directory in
            try await DockerRegistry.withRunning(in: directory, authentication: .htpasswd([Self.user: Self.password])) { registry in
                let regcred = try RegcredProcess(in: directory)
                let file = try directory.write(Self.config(host: registry.host, password: Self.password), to: "config.json")
                let ca = registry.clientTrustDirectory.appending(path: "ca.crt").path
                let outcome = try await regcred.run(["verify", "--file", file, "--ca-file", ca])
                #expect(outcome.status == 0, "\(outcome.summary)")
                let lines = outcome.standardOutput.split(separator: "\n")
                #expect(lines.first?.hasPrefix("REGISTRY") == true)
                #expect(lines.contains { $0.contains(registry.host) && $0.contains(" ok ") && $0.contains("basic auth") })
                #expect(!outcome.standardOutput.contains(Self.password))
            }
        }
    }

    @Test("a wrong password and an unreachable registry fail with exit 1, one row each, as JSON too")
    func failures() async throws {
        try await TemporaryDirectory.with { directory in
            try await DockerRegistry.withRunning(in: directory, authentication: .htpasswd([Self.user: Self.password])) { registry in
                let regcred = try RegcredProcess(in: directory)
                let closedPort = try FreePort.pick()
                let file = try directory.write(
                    Self.config(host: registry.host, password: "wrong-password", extraHost: "127.0.0.1:\(closedPort)"), to: "config.json")
                let ca = registry.clientTrustDirectory.appending(path: "ca.crt").path
                let outcome = try await regcred.run(["verify", "--file", file, "--ca-file", ca, "-o", "json"])
                #expect(outcome.status == 1, "\(outcome.summary)")
                let report = try JSONValue(parsing: outcome.standardOutputData)
                let rows = report["rows"]?.arrayValue ?? []
                let results = Dictionary(uniqueKeysWithValues: rows.compactMap { row in
                    row["registry"]?.stringValue.map { ($0, row["result"]?.stringValue ?? "") }
                })
                #expect(results == [registry.host: "rejected", "127.0.0.1:\(closedPort)": "unreachable"])
                #expect(!outcome.standardOutput.contains("wrong-password"))
                #expect(!outcome.standardError.contains("wrong-password"))
            }
        }
    }

    @Test("an untrusted certificate fails as a TLS failure; --insecure-registry allows it")
    func untrustedCertificate() async throws {
        try await TemporaryDirectory.with { directory in
            try await DockerRegistry.withRunning(in: directory, authentication: .htpasswd([Self.user: Self.password])) { registry in
                let regcred = try RegcredProcess(in: directory)
                let file = try directory.write(Self.config(host: registry.host, password: Self.password), to: "config.json")
                let refused = try await regcred.run(["verify", "-f", file])
                #expect(refused.status == 1, "\(refused.summary)")
                #expect(refused.standardOutput.contains("tls-failure"))
                let allowed = try await regcred.run(["verify", "-f", file, "--insecure-registry", registry.host])
                #expect(allowed.status == 0, "\(allowed.summary)")
            }
        }
    }

    @Test("doctor --verify trusts a private registry's CA with --ca-file, as verify does")
    func doctorVerifyWithPrivateCA() async throws {
        try await TemporaryDirectory.with { directory in
            try await DockerRegistry.withRunning(in: directory, authentication: .htpasswd([Self.user: Self.password])) { registry in
                let regcred = try RegcredProcess(in: directory)
                let file = try directory.write(Self.config(host: registry.host, password: Self.password), to: "config.json")
                let ca = registry.clientTrustDirectory.appending(path: "ca.crt").path
                let doctor = ["doctor", "-f", file, "--image", "\(registry.host)/team/app:1", "--verify"]
                let untrusted = try await regcred.run(doctor)
                #expect(untrusted.standardOutput.contains("CERTIFICATE_VERIFY_FAILED"), "\(untrusted.summary)")
                let trusted = try await regcred.run(doctor + ["--ca-file", ca])
                #expect(!trusted.standardOutput.contains("CERTIFICATE_VERIFY_FAILED"), "\(trusted.summary)")
                // Past TLS and the login, the registry answers for the manifest (no image was pushed).
                #expect(trusted.standardOutput.contains("manifest not found"), "\(trusted.summary)")
                #expect(!trusted.standardOutput.contains(Self.password))
                let misplaced = try await regcred.run(["doctor", "-f", file, "--image", "\(registry.host)/team/app:1", "--ca-file", ca])
                #expect(misplaced.status == 64, "--ca-file without --verify is a usage error")
            }
        }
    }

    @Test("verify SECRET -n NS reads the pull secret from the cluster")
    func secretInCluster() async throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/kubectl") else { return }
        try await CLICluster.run { cluster in
            // CLICluster's regcred has TOKEN=s3cret-t0ken in its environment.
            try await DockerRegistry.withRunning(in: cluster.directory, authentication: .htpasswd([Self.user: "s3cret-t0ken"])) { registry in
                let created = try await cluster.regcred([
                    "create", "pull", "--registry", registry.host, "--username", Self.user, "--password-env", "TOKEN",
                ])
                try #require(created.status == 0, "\(created.summary)")
                let ca = registry.clientTrustDirectory.appending(path: "ca.crt").path
                let verified = try await cluster.regcred(["verify", "pull", "--ca-file", ca])
                #expect(verified.status == 0, "\(verified.summary)")
                #expect(verified.standardOutput.contains(registry.host) && verified.standardOutput.contains("basic auth"))
                #expect(!verified.standardOutput.contains("s3cret-t0ken"))
                let missing = try await cluster.regcred(["verify", "no-such-secret"])
                #expect(missing.status == 66, "\(missing.summary)")
            }
        }
    }
}
