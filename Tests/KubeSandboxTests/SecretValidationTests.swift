// Secret validation as kube-apiserver applies it: docker config types, immutability, size,
// base64 data, stringData.
import Foundation
import KubeSandbox
import RegcredCore
import Testing

@Suite struct SecretValidationTests {
    let secrets = "/api/v1/namespaces/default/secrets"

    @Test func dockerConfigJSONSecretRequiresItsKey() async throws {
        try await withSandbox { _, api in
            let response = try await api.post(secrets, secret("p", type: "kubernetes.io/dockerconfigjson", data: ["other": "x"]))
            #expect(response.status == 422)
            #expect(response.message == #"Secret "p" is invalid: data[.dockerconfigjson]: Required value"#)
            #expect(response.body["details"]?["causes"]?.arrayValue?.first?["field"]?.stringValue == "data[.dockerconfigjson]")
        }
    }

    @Test(arguments: [
        ("xyz", "invalid character 'x' looking for beginning of value"),
        ("[1]", "json: cannot unmarshal array into Go value of type map[string]interface {}"),
        ("\"s\"", "json: cannot unmarshal string into Go value of type map[string]interface {}"),
    ])
    func dockerConfigJSONMustHoldAJSONObject(payload: String, goError: String) async throws {
        try await withSandbox { _, api in
            let response = try await api.post(secrets, secret("p", type: "kubernetes.io/dockerconfigjson", data: [".dockerconfigjson": payload]))
            #expect(response.status == 422)
            #expect(response.message.hasPrefix(#"Secret "p" is invalid: data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": "#))
            #expect(response.message.hasSuffix(goError))
        }
    }

    @Test func dockercfgSecretRequiresItsKey() async throws {
        try await withSandbox { _, api in
            let response = try await api.post(secrets, secret("p", type: "kubernetes.io/dockercfg", data: [:]))
            #expect(response.message == #"Secret "p" is invalid: data[.dockercfg]: Required value"#)
        }
    }

    @Test func validDockerConfigJSONSecretIsAccepted() async throws {
        try await withSandbox { _, api in
            let response = try await api.post(secrets, secret("p", type: "kubernetes.io/dockerconfigjson", data: [".dockerconfigjson": dockerConfigJSON]))
            #expect(response.status == 201)
        }
    }

    @Test func secretTypeIsImmutable() async throws {
        try await withSandbox { _, api in
            _ = try await api.post(secrets, secret("t"))
            let response = try await api.put("\(secrets)/t", secret("t", type: "kubernetes.io/dockerconfigjson", data: [".dockerconfigjson": "{}"]))
            #expect(response.status == 422)
            #expect(response.message == #"Secret "t" is invalid: type: Invalid value: "kubernetes.io/dockerconfigjson": field is immutable"#)
        }
    }

    @Test func immutableSecretRejectsDataChangesAndUnsettingImmutable() async throws {
        try await withSandbox { _, api in
            var body = secret("i")
            body["immutable"] = .bool(true)
            _ = try await api.post(secrets, body)
            var changed = body
            changed["data"] = json(#"{"k":"eA=="}"#)
            let dataChange = try await api.put("\(secrets)/i", changed)
            #expect(dataChange.status == 422)
            #expect(dataChange.message == "Secret \"i\" is invalid: data: Forbidden: field is immutable when `immutable` is set")
            var unset = body
            unset["immutable"] = .bool(false)
            let unsetting = try await api.put("\(secrets)/i", unset)
            #expect(unsetting.message == "Secret \"i\" is invalid: immutable: Forbidden: field is immutable when `immutable` is set")
        }
    }

    @Test func secretsAboveOneMebibyteAreRejected() async throws {
        try await withSandbox { _, api in
            let big = String(repeating: "a", count: 1024 * 1024 + 1)
            let response = try await api.post(secrets, secret("big", data: ["blob": big]))
            #expect(response.status == 422)
            #expect(response.message == #"Secret "big" is invalid: data: Too long: must have at most 1048576 bytes"#)
        }
    }

    @Test func stringDataIsMergedIntoData() async throws {
        try await withSandbox { _, api in
            let created = try await api.post(secrets, json(#"{"metadata":{"name":"s"},"data":{"a":"MQ=="},"stringData":{"b":"two"}}"#)).body
            #expect(created["data"] == json(#"{"a":"MQ==","b":"dHdv"}"#))
            #expect(created["stringData"] == nil)
            #expect(created["type"]?.stringValue == "Opaque")
        }
    }

    @Test func dataValuesMustBeBase64() async throws {
        try await withSandbox { _, api in
            let response = try await api.post(secrets, json(#"{"metadata":{"name":"s"},"data":{"a":"not base64!"}}"#))
            #expect(response.status == 400)
            #expect(response.reason == "BadRequest")
        }
    }
}
