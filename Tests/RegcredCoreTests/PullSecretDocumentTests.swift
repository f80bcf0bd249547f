import Foundation
import Testing

@testable import RegcredCore

@Suite("Reading and rewriting pull secret documents")
struct PullSecretDocumentTests {
    static let config = #"{"auths":{"ghcr.io":{"auth":"Ym90Om9sZA==","password":"old","username":"bot"},"quay.io":{"auth":"cjpx"}}}"#
    static let encoded = Data(config.utf8).base64EncodedString()

    @Test("a YAML Secret manifest keeps its metadata, other keys and syntax across an update")
    func yamlManifest() throws {
        let yaml = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: pull
              namespace: apps
              labels: {team: a}
              annotations: {note: "keep me"}
            type: kubernetes.io/dockerconfigjson
            data:
              .dockerconfigjson: \(Self.encoded)
              extra: aGVsbG8=
            """
        var document = try PullSecretDocument(parsing: yaml)
        #expect(document.syntax == .yaml)
        #expect(document.secretName == "apps/pull")
        document.config = try document.config.replacingCredentials(password: "new", registries: ["ghcr.io"])
        let rewritten = try JSONValue(yaml: document.rendered())
        #expect(rewritten["metadata"]?["labels"] == .object(["team": "a"]))
        #expect(rewritten["metadata"]?["annotations"] == .object(["note": "keep me"]))
        #expect(rewritten["data"]?["extra"] == "aGVsbG8=")
        let encodedConfig = try #require(rewritten["data"]?[".dockerconfigjson"]?.stringValue)
        let newConfig = try DockerConfig(parsing: try #require(Data(base64Encoded: encodedConfig)), format: .dockerConfigJSON)
        #expect(newConfig.entries["ghcr.io"]?.password == "new")
        #expect(newConfig.entries["quay.io"] == DockerConfigEntry(auth: "cjpx"))
    }

    @Test("a JSON manifest with stringData is rewritten as JSON in stringData")
    func jsonStringData() throws {
        let manifest = JSONValue.object([
            "apiVersion": "v1", "kind": "Secret", "metadata": .object(["name": "s"]),
            "type": "kubernetes.io/dockerconfigjson", "stringData": .object([".dockerconfigjson": .string(Self.config)]),
        ])
        var document = try PullSecretDocument(parsing: manifest.encodedString(pretty: true))
        #expect(document.syntax == .json(pretty: true))
        document.config = try document.config.replacingCredentials(password: "new")
        let rewritten = try JSONValue(parsing: Data(document.rendered().utf8))
        let text = try #require(rewritten["stringData"]?[".dockerconfigjson"]?.stringValue)
        #expect(try DockerConfig(parsing: Data(text.utf8), format: .dockerConfigJSON).entries["quay.io"]?.effectiveCredentials?.password == "new")
        #expect(rewritten["data"] == nil)
    }

    @Test("a bare docker config is read and written as one")
    func bareConfig() throws {
        let document = try PullSecretDocument(parsing: Self.config)
        #expect(document.container == .bareConfig)
        #expect(document.syntax == .json(pretty: false))
        #expect(document.rendered() == Self.config + "\n")
    }

    @Test("a legacy kubernetes.io/dockercfg Secret is understood")
    func dockercfgSecret() throws {
        let cfg = Data(#"{"reg.example.com":{"auth":"dTpw"}}"#.utf8).base64EncodedString()
        let yaml = "kind: Secret\napiVersion: v1\nmetadata: {name: old}\ntype: kubernetes.io/dockercfg\ndata:\n  .dockercfg: \(cfg)\n"
        let document = try PullSecretDocument(parsing: yaml)
        #expect(document.config.format == .dockercfg)
        #expect(document.config.registries == ["reg.example.com"])
    }

    @Test("documents that are not pull secrets get errors that say why", arguments: [
        ("", "the input is empty"),
        ("   \n", "the input is empty"),
        ("{not json", "not valid JSON"),
        ("a: [b", "not valid YAML"),
        ("- a\n- b", "found an array"),
        ("kind: ConfigMap\napiVersion: v1", "expected kind Secret, found ConfigMap"),
        ("kind: Secret\napiVersion: v1\nmetadata: {name: s}\ntype: Opaque\ndata: {}", "secret s has type Opaque; a pull secret must be kubernetes.io/dockerconfigjson"),
        ("kind: Secret\napiVersion: v1\nmetadata: {name: s}\ntype: kubernetes.io/dockerconfigjson\ndata: {}", "has no .dockerconfigjson key"),
        ("kind: Secret\napiVersion: v1\nmetadata: {name: s}\ntype: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: '%%%'}", "is not valid base64"),
        ("kind: Secret\napiVersion: v1\nmetadata: {name: s}\ntype: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: '{\"x\":1}'}", "no \"auths\" object"),
    ])
    func rejects(text: String, message: String) {
        #expect {
            try PullSecretDocument(parsing: text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
