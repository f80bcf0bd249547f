// The docker configs regcred writes work with a real registry and a real client: a Debian
// docker-registry (htpasswd + TLS from a throw-away CA, on 127.0.0.1) and skopeo --authfile.
import Foundation
import TestPeers
import RegcredCore
import Testing

@Suite("registry access through skopeo", .serialized)
struct RegistryAccessTests {
    static let user = "alice"
    static let firstPassword = "first:pässword 1"
    static let secondPassword = "second-token-2"
    static let repository = "team/app:1"

    @Test("a config from create with the right password lets skopeo push and inspect")
    func rightPasswordGrantsAccess() async throws {
        try await TemporaryDirectory.with { directory in
            try await DockerRegistry.withRunning(in: directory, authentication: .htpasswd([Self.user: Self.firstPassword])) { registry in
                let session = try Session(directory: directory, registry: registry)
                let authFile = try await session.createAuthFile("config.json", password: Self.firstPassword)

                try await session.pushImage(authFile: authFile)

                let inspected = try await session.skopeo.inspect(session.reference, authFile: authFile)
                #expect(inspected.status == 0, "\(inspected.summary)")
                let info = try JSONValue(parsing: inspected.standardOutputData)
                #expect(info["Name"] == .string("\(registry.host)/team/app"))
                // skopeo compresses the layer on the way, so the digests differ from the layout's.
                #expect(info["Layers"]?.arrayValue?.count == 1)
                #expect(info["Os"] == .string("linux"))
                #expect(info["RepoTags"] == .array([.string("1")]))
            }
        }
    }

    @Test("a config from create with a wrong password is refused by the registry")
    func wrongPasswordIsRefused() async throws {
        try await TemporaryDirectory.with { directory in
            try await DockerRegistry.withRunning(in: directory, authentication: .htpasswd([Self.user: Self.firstPassword])) { registry in
                let session = try Session(directory: directory, registry: registry)
                let goodFile = try await session.createAuthFile("good.json", password: Self.firstPassword)
                try await session.pushImage(authFile: goodFile)
                let wrongFile = try await session.createAuthFile("wrong.json", password: "not-the-password")

                let inspected = try await session.skopeo.inspect(session.reference, authFile: wrongFile)

                #expect(inspected.status != 0)
                #expect(Self.mentionsAuthenticationFailure(inspected.standardError), "\(inspected.summary)")
            }
        }
    }

    @Test("after the registry password changes, update --in-place restores access")
    func updateInPlaceRestoresAccess() async throws {
        try await TemporaryDirectory.with { directory in
            try await DockerRegistry.withRunning(in: directory, authentication: .htpasswd([Self.user: Self.firstPassword])) { registry in
                let session = try Session(directory: directory, registry: registry)
                let authFile = try await session.createAuthFile("config.json", password: Self.firstPassword)
                try await session.pushImage(authFile: authFile)

                try await registry.setPassword(Self.secondPassword, for: Self.user)
                let stale = try await session.skopeo.inspect(session.reference, authFile: authFile)
                #expect(stale.status != 0, "the registry still accepts the old password: \(stale.summary)")
                #expect(Self.mentionsAuthenticationFailure(stale.standardError), "\(stale.summary)")

                let passwordFile = try directory.write(Self.secondPassword, to: "newpass")
                let updated = try await session.regcred.run([
                    "update", "-f", authFile, "--password-file", passwordFile, "--in-place",
                ])
                try #require(updated.status == 0, "\(updated.summary)")
                #expect(updated.standardOutput.isEmpty)

                let entry = try JSONValue(parsing: Data(contentsOf: URL(filePath: authFile))).authEntry(registry.host)
                #expect(entry?["password"] == .string(Self.secondPassword))
                #expect(entry?.decodedAuth == "\(Self.user):\(Self.secondPassword)")
                let inspected = try await session.skopeo.inspect(session.reference, authFile: authFile)
                #expect(inspected.status == 0, "\(inspected.summary)")
            }
        }
    }

    @Test("a Secret manifest from create -o yaml, updated from stdin, carries a working config")
    func updatedSecretManifestGrantsAccess() async throws {
        try await TemporaryDirectory.with { directory in
            try await DockerRegistry.withRunning(in: directory, authentication: .htpasswd([Self.user: Self.firstPassword])) { registry in
                let session = try Session(directory: directory, registry: registry)
                let created = try await session.regcred.run(
                    ["create", "pull", "--dry-run=client", "--registry", registry.host, "--username", Self.user, "--password-stdin",
                     "-n", "apps", "-o", "yaml"],
                    standardInput: Self.firstPassword + "\n")
                try #require(created.status == 0, "\(created.summary)")
                let firstConfig = try directory.write(
                    SecretManifestYAML.dockerConfigData(in: created.standardOutput), to: "first.json")
                try await session.pushImage(authFile: firstConfig)

                try await registry.setPassword(Self.secondPassword, for: Self.user)
                let updated = try await session.regcred.run(
                    ["update", "-f", "-", "--password-env", "NEW_REGISTRY_TOKEN"],
                    standardInput: created.standardOutput, environment: ["NEW_REGISTRY_TOKEN": Self.secondPassword])
                try #require(updated.status == 0, "\(updated.summary)")

                #expect(SecretManifestYAML.value(of: "name", in: updated.standardOutput) == "pull")
                #expect(SecretManifestYAML.value(of: "namespace", in: updated.standardOutput) == "apps")
                #expect(SecretManifestYAML.value(of: "type", in: updated.standardOutput) == "kubernetes.io/dockerconfigjson")
                let config = try SecretManifestYAML.dockerConfig(in: updated.standardOutput)
                #expect(config.authEntry(registry.host)?.decodedAuth == "\(Self.user):\(Self.secondPassword)")
                let authFile = try directory.write(
                    SecretManifestYAML.dockerConfigData(in: updated.standardOutput), to: "second.json")
                let inspected = try await session.skopeo.inspect(session.reference, authFile: authFile)
                #expect(inspected.status == 0, "\(inspected.summary)")
            }
        }
    }

    @Test("update --registry replaces only that registry's credential, which then works")
    func updateOfOneRegistryKeepsTheOthers() async throws {
        try await TemporaryDirectory.with { directory in
            try await DockerRegistry.withRunning(in: directory, authentication: .htpasswd([Self.user: Self.firstPassword])) { registry in
                let session = try Session(directory: directory, registry: registry)
                let created = try await session.regcred.run(
                    ["create", "pull", "--dry-run=client", "--registry", "mirror.example.com", "--registry", registry.host,
                     "--username", Self.user, "--password-stdin", "-o", "dockerconfigjson"],
                    standardInput: Self.firstPassword + "\n")
                try #require(created.status == 0, "\(created.summary)")
                let authFile = try directory.write(created.standardOutputData, to: "config.json")
                try await session.pushImage(authFile: authFile)

                try await registry.setPassword(Self.secondPassword, for: Self.user)
                let updated = try await session.regcred.run(
                    ["update", "-f", authFile, "--registry", registry.host, "--password-stdin", "--in-place"],
                    standardInput: Self.secondPassword + "\n")
                try #require(updated.status == 0, "\(updated.summary)")

                let config = try JSONValue(parsing: Data(contentsOf: URL(filePath: authFile)))
                #expect(config.authEntry(registry.host)?.decodedAuth == "\(Self.user):\(Self.secondPassword)")
                #expect(config.authEntry("mirror.example.com")?.decodedAuth == "\(Self.user):\(Self.firstPassword)")
                #expect(config.authEntry("mirror.example.com")?["password"] == .string(Self.firstPassword))
                let inspected = try await session.skopeo.inspect(session.reference, authFile: authFile)
                #expect(inspected.status == 0, "\(inspected.summary)")
            }
        }
    }

    static func mentionsAuthenticationFailure(_ stderr: String) -> Bool {
        let text = stderr.lowercased()
        return text.contains("unauthorized") || text.contains("authentication required")
    }

    /// What one test drives: regcred and skopeo, aimed at one registry.
    struct Session {
        let directory: TemporaryDirectory
        let registry: DockerRegistry
        let regcred: RegcredProcess
        let skopeo: Skopeo
        var reference: String { "\(registry.host)/\(RegistryAccessTests.repository)" }

        init(directory: TemporaryDirectory, registry: DockerRegistry) throws {
            self.directory = directory
            self.registry = registry
            self.regcred = try RegcredProcess(in: directory)
            self.skopeo = try Skopeo(in: directory, trusting: registry.clientTrustDirectory)
        }

        /// `regcred create … -o dockerconfigjson` for this registry, saved as `name`; returns its path.
        func createAuthFile(_ name: String, password: String) async throws -> String {
            let created = try await regcred.run(
                ["create", "pull", "--dry-run=client", "--registry", registry.host, "--username", RegistryAccessTests.user,
                 "--password-stdin", "-o", "dockerconfigjson"],
                standardInput: password + "\n")
            try #require(created.status == 0, "\(created.summary)")
            return try directory.write(created.standardOutputData, to: name)
        }

        /// Builds the tiny OCI image and pushes it to `reference` with `authFile`.
        func pushImage(authFile: String) async throws {
            let layout = try directory.makeDirectory("image/layout")
            try await OCIImageLayout.write(
                to: layout, tag: "v1", greeting: "hello from regcred's tests\n", home: regcred.home)
            let pushed = try await skopeo.push(layout: layout, tag: "v1", to: reference, authFile: authFile)
            try #require(pushed.status == 0, "push failed: \(pushed.summary)\nregistry log:\n\(registry.log)")
        }
    }
}
