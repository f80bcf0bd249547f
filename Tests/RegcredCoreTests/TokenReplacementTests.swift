import Foundation
import Testing

@testable import RegcredCore

@Suite("Replacing a token in place")
struct TokenReplacementTests {
    let config = DockerConfig(entries: [
        "https://ghcr.io": .basic(username: "bot", password: "old", email: "ops@x"),
        "quay.io": DockerConfigEntry(auth: BasicAuthField.encode(username: "robot", password: "old"), additionalFields: ["x": "y"]),
        "other.example.com": .basic(username: "keep", password: "keep"),
    ], httpHeaders: .object(["User-Agent": "k"]))

    @Test("every entry gets the new password and a recomputed auth; usernames and other fields stay")
    func replacesAll() throws {
        let updated = try config.replacingCredentials(password: "new")
        #expect(updated.entries["https://ghcr.io"] == DockerConfigEntry(username: "bot", password: "new", email: "ops@x", auth: BasicAuthField.encode(username: "bot", password: "new")))
        #expect(updated.entries["quay.io"]?.effectiveCredentials?.username == "robot")
        #expect(updated.entries["quay.io"]?.effectiveCredentials?.password == "new")
        #expect(updated.entries["quay.io"]?.additionalFields == ["x": "y"])
        #expect(updated.httpHeaders == config.httpHeaders)
        #expect(updated.entries.values.allSatisfy { $0.authCheck == .ok })
    }

    @Test("named registries are selected by key or by the kubelet's normalised key; others are untouched")
    func replacesNamed() throws {
        let updated = try config.replacingCredentials(password: "new", registries: ["ghcr.io"])
        #expect(updated.entries["https://ghcr.io"]?.password == "new")
        #expect(updated.entries["quay.io"] == config.entries["quay.io"])
        #expect(updated.entries["other.example.com"] == config.entries["other.example.com"])
    }

    @Test("a new username replaces the old one and goes into auth")
    func replacesUsername() throws {
        let updated = try config.replacingCredentials(password: "new", username: "robot2", registries: ["quay.io"])
        #expect(updated.entries["quay.io"]?.auth == BasicAuthField.encode(username: "robot2", password: "new"))
    }

    @Test("an unknown registry is an error that lists the entries")
    func unknownRegistry() {
        #expect(throws: DockerConfigError.noSuchRegistry("docker.io", available: ["https://ghcr.io", "other.example.com", "quay.io"])) {
            try config.replacingCredentials(password: "new", registries: ["docker.io"])
        }
    }

    @Test("an entry with no username to keep needs --username")
    func noUsername() {
        let bare = DockerConfig(entries: ["r.example.com": DockerConfigEntry(password: "p")])
        #expect(throws: DockerConfigError.noUsername(registry: "r.example.com")) {
            try bare.replacingCredentials(password: "new")
        }
    }

    @Test("an empty password is refused")
    func emptyPassword() {
        #expect(throws: DockerConfigError.emptyPassword) { try config.replacingCredentials(password: "") }
    }
}
