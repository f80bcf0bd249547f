import Foundation
import Testing

@testable import RegcredCore

@Suite("DockerConfig parsing and encoding")
struct DockerConfigTests {
    @Test("a .dockerconfigjson with every entry field round-trips losslessly")
    func roundTripKeepsEveryField() throws {
        let text = """
            {"auths":{"ghcr.io":{"username":"bot","password":"p","email":"e@x","auth":"Ym90OnA=","identitytoken":"it","registrytoken":"rt"}},
             "HttpHeaders":{"User-Agent":"x"},"credsStore":"desktop"}
            """
        let config = try DockerConfig(parsing: Data(text.utf8), format: .dockerConfigJSON)
        let entry = try #require(config.entries["ghcr.io"])
        #expect(entry.username == "bot")
        #expect(entry.password == "p")
        #expect(entry.email == "e@x")
        #expect(entry.auth == "Ym90OnA=")
        #expect(entry.identityToken == "it")
        #expect(entry.additionalFields == ["registrytoken": "rt"])
        #expect(config.httpHeaders == .object(["User-Agent": "x"]))
        #expect(config.additionalFields == ["credsStore": "desktop"])
        let reparsed = try DockerConfig(parsing: config.encoded(), format: .dockerConfigJSON)
        #expect(reparsed == config)
    }

    @Test("the legacy .dockercfg is a bare map of registries")
    func legacyDockercfg() throws {
        let text = #"{"https://index.docker.io/v1/":{"auth":"dTpw","email":"a@b"}}"#
        let config = try DockerConfig(parsing: Data(text.utf8), format: .dockercfg)
        #expect(config.registries == ["https://index.docker.io/v1/"])
        #expect(String(decoding: config.encoded(), as: UTF8.self) == #"{"https://index.docker.io/v1/":{"auth":"dTpw","email":"a@b"}}"#)
    }

    @Test("format detection tells auths-wrapped from bare maps", arguments: [
        (#"{"auths":{}}"#, DockerConfigFormat.dockerConfigJSON),
        (#"{"reg.example.com":{"auth":"dTpw"}}"#, .dockercfg),
        (#"{}"#, .dockerConfigJSON),
        (#"{"credsStore":"x"}"#, .dockerConfigJSON),
        (#"{"AUTHS":{"reg.example.com":{"auth":"dTpw"}}}"#, .dockerConfigJSON),
    ])
    func detectsFormat(text: String, expected: DockerConfigFormat) throws {
        #expect(DockerConfig.detectFormat(of: try JSONValue(parsing: Data(text.utf8))) == expected)
    }

    @Test("encoding is deterministic: sorted keys, compact, no escaped slashes")
    func deterministicEncoding() throws {
        let config = try DockerConfig.basic(registries: ["b.example.com", "a.example.com/v1/"], username: "u", password: "p")
        let text = String(decoding: config.encoded(), as: UTF8.self)
        #expect(text == #"{"auths":{"a.example.com/v1/":{"auth":"dTpw","password":"p","username":"u"},"b.example.com":{"auth":"dTpw","password":"p","username":"u"}}}"#)
        #expect(config.encoded() == config.encoded())
    }

    @Test("entries are written as kubectl writes them; email only when given")
    func basicEntries() throws {
        let withEmail = DockerConfigEntry.basic(username: "u", password: "p:w", email: "e@x")
        #expect(withEmail == DockerConfigEntry(username: "u", password: "p:w", email: "e@x", auth: "dTpwOnc="))
        #expect(DockerConfigEntry.basic(username: "u", password: "p", email: "").email == nil)
        #expect(DockerConfigEntry.basic(username: "u", password: "p").email == nil)
    }

    @Test("malformed documents are rejected with an error that says what is wrong", arguments: [
        ("{", "not valid JSON"),
        ("[1]", "must be a JSON object"),
        (#"{"ghcr.io":{"auth":"x"}, "other": 1}"#, "no \"auths\" object"),
        (#"{"auths":[]}"#, "\"auths\" must be an object"),
        (#"{"auths":{"ghcr.io":"token"}}"#, "entry \"ghcr.io\" must be an object"),
        (#"{"auths":{"ghcr.io":{"password":42}}}"#, "\"password\" must be a string"),
        (#"{"auths":{"ghcr.io":{"PassWord":42}}}"#, "\"password\" must be a string"),
    ])
    func rejectsMalformed(text: String, message: String) {
        #expect {
            try DockerConfig(parsing: Data(text.utf8), format: .dockerConfigJSON)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("field names in any letter case are read as Go reads them and written back in their canonical spelling")
    func otherLetterCases() throws {
        let text = #"{"Auths":{"ghcr.io":{"Username":"bot","PASSWORD":"p","Auth":"Ym90OnA=","EMAIL":"e@x","Extra":1}}}"#
        let config = try DockerConfig(parsing: Data(text.utf8), format: .dockerConfigJSON)
        #expect(config.entries["ghcr.io"] == DockerConfigEntry(username: "bot", password: "p", email: "e@x", auth: "Ym90OnA=", additionalFields: ["Extra": .integer(1)]))
        #expect(config.additionalFields.isEmpty)
        #expect(String(decoding: config.encoded(), as: UTF8.self)
            == #"{"auths":{"ghcr.io":{"Extra":1,"auth":"Ym90OnA=","email":"e@x","password":"p","username":"bot"}}}"#)
    }

    @Test("a repeated key keeps its last value, as Go does")
    func repeatedKey() throws {
        let text = #"{"auths":{"ghcr.io":{"username":"first","username":"last"},"ghcr.io":{"username":"later","password":"p"}}}"#
        let config = try DockerConfig(parsing: Data(text.utf8), format: .dockerConfigJSON)
        #expect(config.entries["ghcr.io"] == DockerConfigEntry(username: "later", password: "p"))
    }

    @Test("the empty registry key and null entries are accepted, as the kubelet accepts them")
    func emptyKeyAndNullEntry() throws {
        let config = try DockerConfig(parsing: Data(#"{"auths":{"":{"auth":"dTpw"},"quay.io":null}}"#.utf8), format: .dockerConfigJSON)
        #expect(config.registries == ["", "quay.io"])
        #expect(config.entries["quay.io"] == DockerConfigEntry())
        #expect(throws: DockerConfigError.emptyRegistryKey) {
            try DockerConfig.basic(registries: [""], username: "u", password: "p")
        }
    }

    @Test("an empty password is refused when building a config")
    func emptyPassword() {
        #expect(throws: DockerConfigError.emptyPassword) {
            try DockerConfig.basic(registries: ["ghcr.io"], username: "u", password: "")
        }
    }
}
