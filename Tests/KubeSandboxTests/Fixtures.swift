// Fixtures: starting and stopping sandboxes, and building the objects the tests send.
import Foundation
import KubeSandbox
import RegcredCore
import TestPeers

/// Runs `body` against a fresh sandbox on a free port and always stops it afterwards.
func withSandbox(_ options: KubeSandbox.Options = KubeSandbox.Options(),
                 _ body: (KubeSandbox, SandboxClient) async throws -> Void) async throws {
    let sandbox = try await KubeSandbox.start(options)
    try await withRunning { try await body(sandbox, SandboxClient(sandbox)) } finally: { try await sandbox.stop() }
}

func json(_ text: String) -> JSONValue {
    do { return try JSONValue(parsing: Data(text.utf8)) } catch { fatalError("bad JSON in test: \(text)") }
}

func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

func secret(_ name: String, type: String = "Opaque", data: [String: String] = ["k": "v"], labels: [String: String] = [:]) -> JSONValue {
    var encoded: [String: JSONValue] = [:]
    for (key, value) in data { encoded[key] = .string(base64(value)) }
    var metadata: [String: JSONValue] = ["name": .string(name)]
    if !labels.isEmpty { metadata["labels"] = .object(labels.mapValues { .string($0) }) }
    return .object(["apiVersion": .string("v1"), "kind": .string("Secret"), "metadata": .object(metadata),
                    "type": .string(type), "data": .object(encoded)])
}

func namespace(_ name: String) -> JSONValue {
    json(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\#(name)"}}"#)
}

func clusterPullSecret(_ name: String, registries: [String] = ["ghcr.io"]) -> JSONValue {
    .object(["apiVersion": .string("regcred.dev/v1alpha1"), "kind": .string("ClusterPullSecret"),
             "metadata": .object(["name": .string(name)]),
             "spec": .object([
                "registries": .array(registries.map { .string($0) }), "secretName": .string("regcred-\(name)"),
                "source": .object(["static": .object(["secretRef": .object(["name": .string("registry-token")])])]),
             ])])
}

let dockerConfigJSON = #"{"auths":{"ghcr.io":{"username":"u","password":"p","auth":"dTpw"}}}"#

extension JSONValue {
    var name: String { self["metadata"]?["name"]?.stringValue ?? "" }
    var resourceVersion: Int { Int(self["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? -1 }
    var items: [JSONValue] { self["items"]?.arrayValue ?? [] }
    var itemNames: [String] { items.map(\.name) }
}
