import Foundation
import Operations
import RegcredCore
import Testing

@Suite("create")
struct CreatePullSecretTests {
    func request(registries: [String] = [], profile: String? = nil, username: String? = "bot", email: String? = nil) -> CreatePullSecret {
        CreatePullSecret(
            name: "pull", namespace: "apps", registries: registries, profile: profile, username: username,
            credential: .password(Redacted("t0ken")), email: email)
    }

    @Test("a profile's hosts come first, explicit registries follow, duplicates are dropped")
    func profileAndRegistries() throws {
        let config = try request(registries: ["de.icr.io", "extra.example.com"], profile: "ibm-de", username: nil)
            .dockerConfig(catalog: ProfileCatalog())
        #expect(config.registries.sorted() == ["de.icr.io", "extra.example.com", "private.de.icr.io", "registry.eu-de.bluemix.net"])
        #expect(config.entries.values.allSatisfy { $0.username == "iamapikey" && $0.password == "t0ken" && $0.authCheck == .ok })
    }

    @Test("without a username or a profile default, create asks for --username")
    func needsUsername() {
        #expect(throws: CreateError.noUsername(profile: "ghcr")) {
            try request(profile: "ghcr", username: nil).dockerConfig(catalog: ProfileCatalog())
        }
    }

    @Test("the YAML output is a dockerconfigjson Secret in the namespace")
    func yamlOutput() throws {
        let text = try request(registries: ["ghcr.io"]).rendered(as: .yaml, envName: nil, catalog: ProfileCatalog())
        let manifest = try JSONValue(yaml: text)
        #expect(manifest["kind"] == "Secret")
        #expect(manifest["type"] == "kubernetes.io/dockerconfigjson")
        #expect(manifest["metadata"] == .object(["name": "pull", "namespace": "apps"]))
        let encoded = try #require(manifest["data"]?[".dockerconfigjson"]?.stringValue)
        let data = try #require(Data(base64Encoded: encoded))
        #expect(String(decoding: data, as: UTF8.self) == #"{"auths":{"ghcr.io":{"auth":"Ym90OnQwa2Vu","password":"t0ken","username":"bot"}}}"#)
    }

    @Test("the env output is NAME_64 holding base64 of the docker config")
    func envOutput() throws {
        let text = try request(registries: ["ghcr.io"]).rendered(as: .env, envName: "reg-creds", catalog: ProfileCatalog())
        let expected = Data(#"{"auths":{"ghcr.io":{"auth":"Ym90OnQwa2Vu","password":"t0ken","username":"bot"}}}"#.utf8).base64EncodedString()
        #expect(text == "REG_CREDS_64=\(expected)\n")
    }

    @Test("environment variable names are shell-safe and end in _64 once", arguments: [
        ("pull", "PULL_64"), ("reg-creds.v2", "REG_CREDS_V2_64"), ("X_64", "X_64"), ("9lives", "_9LIVES_64"),
    ])
    func environmentVariableName(base: String, expected: String) {
        #expect(CreatePullSecret.environmentVariableName(base) == expected)
    }
}

@Suite("create with a minted credential")
struct CreateMintedTests {
    @Test("a minted ECR token names its own hosts; --registry hosts get the first credential")
    func mintedHosts() throws {
        let material = CredentialMaterial.credentials([
            Credential(username: "AWS", password: Redacted("t1"), registries: ["1.dkr.ecr.us-east-1.amazonaws.com"]),
            Credential(username: "AWS", password: Redacted("t2"), registries: ["1.dkr.ecr.eu-west-1.amazonaws.com"]),
        ])
        let request = CreatePullSecret(
            name: "ecr", namespace: nil, registries: ["mirror.example.com"], profile: nil, username: nil,
            credential: .minted(material), email: nil)
        let config = try request.dockerConfig(catalog: ProfileCatalog())
        #expect(config.registries == ["1.dkr.ecr.eu-west-1.amazonaws.com", "1.dkr.ecr.us-east-1.amazonaws.com", "mirror.example.com"])
        #expect(config.entries["1.dkr.ecr.eu-west-1.amazonaws.com"]?.effectiveCredentials?.password == "t2")
        #expect(config.entries["mirror.example.com"]?.effectiveCredentials?.password == "t1")
    }

    @Test("a minted token without hosts (GCP) needs --registry")
    func needsHosts() {
        let request = CreatePullSecret(
            name: "gar", namespace: nil, registries: [], profile: nil, username: nil,
            credential: .minted(.basic(Credential(username: "oauth2accesstoken", password: Redacted("ya29")))), email: nil)
        #expect(throws: CreateError.noRegistries) { try request.dockerConfig(catalog: ProfileCatalog()) }
    }
}
