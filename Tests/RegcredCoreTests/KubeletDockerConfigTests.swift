// What the kubelet makes of a pull secret's bytes (Go's encoding/json and encoding/base64, the
// kubelet's DockerConfigEntry), and the write gate built on it.
import Foundation
import Testing

@testable import RegcredCore

@Suite("Pull secret bytes as the kubelet reads them")
struct KubeletDockerConfigTests {
    static func read(_ json: String, format: DockerConfigFormat = .dockerConfigJSON) -> Result<KubeletDockerConfig, KubeletRefusal> {
        KubeletDockerConfig.read(Data(json.utf8), format: format)
    }

    @Test("Go's base64: padded or unpadded by the trimmed last character, line breaks skipped, bad padding refused", arguments: [
        ("dTpw", "u:p"),
        ("dXNlcjpwOnc=", "user:p:w"),
        ("dXNlcjpwOnc", "user:p:w"),
        ("dTpw\n", "u:p"),
        ("dXNlcjpwOnc=\n", "user:p:w"),
        ("dXNl\ncjpw\r\nOnc=", "user:p:w"),
        ("dXNlcg==", "user"),
        ("dXNlcg=\n=", "user"),
    ])
    func goDecodes(text: String, expected: String) {
        let padded = text.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("=")
        #expect(GoBase64.decode(text.utf8, padded: padded).map { String(decoding: $0, as: UTF8.self) } == expected)
    }

    @Test("Go's base64 refusals", arguments: [
        ("a", false), ("dXNlcg=", true), ("dXNlcg===", true), ("dXNl=cg==", true), ("dXNlcg==x", true),
        ("dXNlcg==", false), ("dT pw", false), ("!!notbase64!!", false), ("dTpw ", false),
    ])
    func goRefuses(text: String, padded: Bool) {
        #expect(GoBase64.decode(text.utf8, padded: padded) == nil)
    }

    @Test("an auth wrapped at 76 columns, as `base64` prints a long token, is accepted as the kubelet accepts it")
    func wrappedAuth() throws {
        let token = String(repeating: "t0ken", count: 40)
        let wrapped = Data("robot:\(token)".utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed]) + "\n"
        let json = JSONValue.object(["auths": .object(["ghcr.io": .object(["auth": .string(wrapped)])])]).encoded()
        let config = try KubeletDockerConfig.read(json, format: .dockerConfigJSON).get()
        #expect(config.entries["ghcr.io"]?.username == "robot")
        #expect(config.entries["ghcr.io"]?.password.value == token)
        #expect(BasicAuthField.decode(wrapped) == .credentials(username: "robot", password: token))
    }

    @Test("refusals name the entry and never the value", arguments: [
        (#"{"auths":{"ghcr.io":{"auth":"dTpw"},"quay.io":{"auth":"!!notbase64!!"}}}"#, KubeletRefusal.authNotBase64(registry: "quay.io")),
        (#"{"auths":{"quay.io":{"auth":"dXNlcg=="}}}"#, .authWithoutColon(registry: "quay.io")),
        (#"{"auths":{"quay.io":"dTpw"}}"#, .entryNotAnObject(registry: "quay.io", found: "a string")),
        (#"{"auths":{"quay.io":{"password":7}}}"#, .fieldNotAString(registry: "quay.io", field: "password", found: "a number")),
        (#"{"auths":{"quay.io":{"PASSWORD":true}}}"#, .fieldNotAString(registry: "quay.io", field: "password", found: "a boolean")),
        (#"{"auths":["ghcr.io"]}"#, .authsNotAnObject(found: "an array")),
        (#"{"Auths":"x"}"#, .authsNotAnObject(found: "a string")),
        (#"{"auths":{},"HttpHeaders":{"X-Meta":1}}"#, .httpHeaderNotAString(name: "X-Meta", found: "a number")),
        (#"[]"#, .notAnObject(found: "an array")),
    ])
    func refusals(json: String, expected: KubeletRefusal) {
        #expect(Self.read(json) == .failure(expected))
        #expect(!expected.description.contains("notbase64"))
        #expect(expected.description.contains("the kubelet refuses the whole secret"))
    }

    @Test("what Go accepts: other letter cases, null entries and fields, an empty key, unknown fields, a null document")
    func accepted() throws {
        let config = try Self.read(#"""
            {"AUTHS":{"ghcr.io":{"Username":"bot","PASSWORD":"pw","Email":null,"extra":1},"quay.io":null,"":{"auth":"dTpw"}},"credsStore":"x"}
            """#).get()
        #expect(config.registries == ["", "ghcr.io", "quay.io"])
        #expect(config.entries["ghcr.io"]?.username == "bot")
        #expect(config.entries["ghcr.io"]?.password.value == "pw")
        #expect(config.entries["quay.io"]?.hasCredentials == false)
        #expect(try Self.read("null").get().entries.isEmpty)
    }

    @Test("document order decides as in Go: the last of a repeated key, auths merged, a null auths empties", arguments: [
        (#"{"auths":{"r":{"auth":"YTpi"},"r":{"auth":"Yzpk"}}}"#, ["r": "c"]),
        (#"{"auths":{"r":{"username":"a","username":"c"}}}"#, ["r": "c"]),
        (#"{"auths":{"r":{"username":"c","username":null}}}"#, ["r": "c"]),
        (#"{"auths":{"r":{"username":"a"}},"Auths":{"s":{"username":"c"}}}"#, ["r": "a", "s": "c"]),
        (#"{"auths":{"r":{"username":"a"}},"auths":{"r":{"password":"p"}}}"#, ["r": ""]),
        (#"{"auths":{"r":{"username":"a"}},"auths":null}"#, [:]),
        (#"{"auths":null,"AUTHS":{"s":{"username":"c"}}}"#, ["s": "c"]),
        (#"{"auths":{"r":{"Username":"a","username":"c"}}}"#, ["r": "c"]),
        (#"{"auths":{"r":{"username":"c","USERNAME":"a"}}}"#, ["r": "a"]),
        (#"{"auths":{"r":{"uſername":"c"}}}"#, ["r": "c"]),
        (#"{"auths":{"r":{"Key":"x","username":"c"}}}"#, ["r": "c"]),
    ] as [(String, [String: String])])
    func documentOrder(json: String, usernames: [String: String]) throws {
        let config = try Self.read(json).get()
        #expect(config.entries.mapValues(\.username) == usernames)
    }

    @Test("an entry Go refuses fails the document even when a later key replaces it")
    func earlierRefusalStands() {
        #expect(Self.read(#"{"auths":{"r":{"auth":"!!"},"r":{"auth":"YTpi"}}}"#) == .failure(.authNotBase64(registry: "r")))
        #expect(Self.read(#"{"auths":{"r":{"auth":"!!"}},"auths":null}"#) == .failure(.authNotBase64(registry: "r")))
    }

    @Test("Go's simple case folding: any letter case, and U+017F (long s) counts as s; other letters never match")
    func unicodeFolding() {
        #expect(GoFieldName.match("pa\u{17F}\u{17F}word", among: ["password"]) == "password")
        #expect(GoFieldName.match("AUTH\u{17F}", among: ["auths"]) == "auths")
        #expect(GoFieldName.match("PASSWORD", among: ["password"]) == "password")
        #expect(GoFieldName.match("pass word", among: ["password"]) == nil)
        #expect(GoFieldName.match("p\u{E4}ssword", among: ["password"]) == nil)
    }

    @Test("notes say what the kubelet reads differently, naming keys, never values")
    func notes() throws {
        let config = try Self.read(
            #"{"AUTHS":{"ghcr.io":{"Password":"s3cret","auth":"YTpi","auth":"YTpj"},"":{"username":"x"}}}"#).get()
        #expect(config.notes.contains(.repeatedKey(path: ["AUTHS", "ghcr.io", "auth"])))
        #expect(config.notes.contains(.fieldSpelling(path: ["AUTHS"], field: "auths")))
        #expect(config.notes.contains(.fieldSpelling(path: ["AUTHS", "ghcr.io", "Password"], field: "password")))
        #expect(config.notes.contains(.emptyRegistryKey))
        #expect(config.entries["ghcr.io"]?.password.value == "c")
        #expect(!config.notes.map(\.description).joined().contains("s3cret"))
        #expect(try Self.read(#"{"auths":{"ghcr.io":{"auth":"YTpi"}}}"#).get().notes.isEmpty)
    }

    @Test("a legacy .dockercfg is the bare map")
    func dockercfg() throws {
        let config = try Self.read(#"{"https://index.docker.io/v1/":{"auth":"dTpw"}}"#, format: .dockercfg).get()
        #expect(config.entries["https://index.docker.io/v1/"]?.username == "u")
    }
}

@Suite("The write gate: nothing the kubelet refuses, nothing that leaves a registry without credentials")
struct PullSecretContentGateTests {
    static func check(_ json: String, serving registries: [String] = []) -> ContentRefusal? {
        PullSecretContentGate.check(Data(json.utf8), serving: registries)
    }

    @Test("content that serves every registry passes", arguments: [
        (#"{"auths":{"ghcr.io":{"auth":"dTpw"},"quay.io":{"username":"u","password":"p"}}}"#, ["ghcr.io", "quay.io"]),
        (#"{"auths":{"https://ghcr.io/v2/":{"auth":"dTpw"}}}"#, ["ghcr.io"]),
        (#"{"auths":{"*.azurecr.io":{"auth":"dTpw"}}}"#, ["team.azurecr.io"]),
        (#"{"auths":{"ghcr.io/org":{"auth":"dTpw"}}}"#, ["ghcr.io"]),
        (#"{"auths":{"https://index.docker.io/v1/":{"auth":"dTpw"}}}"#, ["docker.io"]),
        (#"{"auths":{"reg.example.com:5000":{"auth":"dTpw"}}}"#, ["reg.example.com:5000"]),
    ])
    func passes(json: String, registries: [String]) {
        #expect(Self.check(json, serving: registries) == nil)
    }

    @Test("an empty or unrelated source is refused, naming the missing registries", arguments: [
        (#"{"auths":{}}"#, ["ghcr.io", "quay.io"], ["ghcr.io", "quay.io"]),
        (#"{"auths":{"docker.io":{"auth":"dTpw"}}}"#, ["ghcr.io", "quay.io"], ["ghcr.io", "quay.io"]),
        (#"{"auths":{"ghcr.io":{"auth":"dTpw"},"quay.io":{}}}"#, ["ghcr.io", "quay.io"], ["quay.io"]),
        (#"{"auths":{"reg.example.com:5000":{"auth":"dTpw"}}}"#, ["reg.example.com"], ["reg.example.com"]),
    ])
    func missing(json: String, registries: [String], missing: [String]) {
        guard case .missingRegistries(let found, _) = Self.check(json, serving: registries) else {
            Issue.record("expected missing registries for \(json)")
            return
        }
        #expect(found == missing)
        #expect(Self.check(json, serving: registries)?.reason == "SourceMissingRegistries")
    }

    @Test("kubelet refusals and a username with ':' are InvalidSource, naming the entry")
    func invalid() {
        let refused = Self.check(#"{"auths":{"ghcr.io":{"auth":"dTpw"},"quay.io":{"auth":"!!notbase64!!"}}}"#, serving: ["ghcr.io"])
        #expect(refused == .refusedByKubelet(.authNotBase64(registry: "quay.io")))
        #expect(refused?.reason == "InvalidSource")
        #expect(refused?.registry == "quay.io")
        let colon = Self.check(#"{"auths":{"ghcr.io":{"username":"a:b","password":"c","auth":"YTpiOmM="}}}"#)
        #expect(colon == .usernameContainsColon(registry: "ghcr.io"))
        #expect(colon?.description.contains("c") == true && colon?.description.contains("YTpiOmM=") == false)
    }

    @Test("a username with ':' cannot be made into an entry")
    func colonUsername() {
        #expect(throws: DockerConfigError.usernameContainsColon) {
            try DockerConfig.basic(registries: ["ghcr.io"], username: "team:bot", password: "p")
        }
    }
}
