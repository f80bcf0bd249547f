import Foundation
import Testing

@testable import RegcredCore

@Suite("Credential material from sources")
struct CredentialMaterialTests {
    @Test("a username/password secret becomes one entry per registry, the source's hosts first")
    func basicContent() throws {
        let credential = Credential(username: "AWS", password: Redacted("tok"), registries: ["1.dkr.ecr.us-east-1.amazonaws.com"])
        let data = try CredentialMaterial.basic(credential).pullSecretContent(registries: ["ghcr.io"])
        let config = try DockerConfig(parsing: data, format: .dockerConfigJSON)
        #expect(config.registries == ["1.dkr.ecr.us-east-1.amazonaws.com", "ghcr.io"])
        #expect(config.entries.values.allSatisfy { $0.effectiveCredentials?.password == "tok" && $0.authCheck == .ok })
    }

    @Test("the same credential always gives the same bytes")
    func deterministic() throws {
        let material = CredentialMaterial.basic(Credential(username: "u", password: Redacted("p")))
        #expect(try material.pullSecretContent(registries: ["b.io", "a.io"]) == material.pullSecretContent(registries: ["b.io", "a.io"]))
    }

    @Test("the static source reads username/password or a .dockerconfigjson")
    func staticSource() throws {
        let basic = try StaticSourceSecret.material(from: ["username": Data("u".utf8), "password": Data("p".utf8)], secretName: "tok")
        #expect(basic == .credentials([Credential(username: "u", password: Redacted("p"))]))
        let config = Data(#"{"auths":{"quay.io":{"auth":"dTpw"}}}"#.utf8)
        guard case .dockerConfig(let parsed) = try StaticSourceSecret.material(from: [".dockerconfigjson": config], secretName: "tok") else {
            Issue.record("expected a docker config")
            return
        }
        #expect(parsed.registries == ["quay.io"])
    }

    @Test("an unusable source secret says what it has and what it needs", arguments: [
        ([:] as [String: Data], "needs username and password keys (or a .dockerconfigjson key); it has: no keys"),
        (["token": Data("x".utf8)], "it has: token"),
        (["username": Data("u".utf8), "password": Data()], "has an empty password"),
        ([".dockerconfigjson": Data("{}".utf8)], ".dockerconfigjson is unusable"),
    ])
    func rejects(data: [String: Data], message: String) {
        #expect {
            try StaticSourceSecret.material(from: data, secretName: "regcred-system/tok")
        } throws: { error in
            "\(error)".contains(message) && !"\(error)".contains("x\"")
        }
    }

    @Test("the material's expiry comes from the credential or from a JWT password")
    func expiry() {
        let at = Date(timeIntervalSince1970: 2_000_000_000)
        #expect(CredentialMaterial.basic(Credential(username: "u", password: Redacted("p"), expiresAt: at)).expiresAt == at)
        #expect(CredentialMaterial.basic(Credential(username: "u", password: Redacted("p"))).expiresAt == nil)
    }
}
