// Patch semantics through HTTP: JSON merge, JSON patch (RFC 6902), strategic merge with the
// real list strategies, and the media types custom resources accept.
import KubeSandbox
import RegcredCore
import Testing

@Suite struct PatchTests {
    let secrets = "/api/v1/namespaces/default/secrets"
    let accounts = "/api/v1/namespaces/default/serviceaccounts"

    @Test func mergePatchMergesMapsAndDeletesWithNull() async throws {
        try await withSandbox { _, api in
            _ = try await api.post(secrets, secret("m", labels: ["a": "1", "b": "2"]))
            let patched = try await api.patch("\(secrets)/m", json(#"{"metadata":{"labels":{"a":null,"c":"3"}}}"#),
                                              type: "application/merge-patch+json")
            #expect(patched.status == 200)
            #expect(patched.body["metadata"]?["labels"] == json(#"{"b":"2","c":"3"}"#))
        }
    }

    @Test func jsonPatchAppliesOperationsWithEscapedPointers() async throws {
        try await withSandbox { _, api in
            _ = try await api.post(secrets, secret("j"))
            let operations = json(#"""
                [{"op":"add","path":"/metadata/annotations","value":{}},
                 {"op":"add","path":"/metadata/annotations/regcred.dev~1owner","value":"ghcr"},
                 {"op":"copy","from":"/metadata/annotations/regcred.dev~1owner","path":"/metadata/annotations/copy"},
                 {"op":"move","from":"/metadata/annotations/copy","path":"/metadata/annotations/moved"},
                 {"op":"test","path":"/metadata/annotations/moved","value":"ghcr"}]
                """#)
            let patched = try await api.patch("\(secrets)/j", operations, type: "application/json-patch+json")
            #expect(patched.status == 200)
            #expect(patched.body["metadata"]?["annotations"] == json(#"{"regcred.dev/owner":"ghcr","moved":"ghcr"}"#))
        }
    }

    @Test func jsonPatchFailedTestChangesNothing() async throws {
        try await withSandbox { _, api in
            let created = try await api.post(secrets, secret("j")).body
            let operations = json(#"[{"op":"test","path":"/type","value":"kubernetes.io/tls"},{"op":"remove","path":"/data"}]"#)
            let response = try await api.patch("\(secrets)/j", operations, type: "application/json-patch+json")
            #expect(response.status == 422)
            #expect(response.message == "testing value /type failed: test failed")
            #expect(try await api.get("\(secrets)/j").body == created)
        }
    }

    @Test func strategicMergeReplacesServiceAccountImagePullSecretsWhole() async throws {
        try await withSandbox { _, api in
            _ = try await api.post(accounts, json(#"{"metadata":{"name":"sa"},"imagePullSecrets":[{"name":"a"},{"name":"b"}]}"#))
            let patched = try await api.patch("\(accounts)/sa", json(#"{"imagePullSecrets":[{"name":"c"}]}"#),
                                              type: "application/strategic-merge-patch+json")
            #expect(patched.body["imagePullSecrets"] == json(#"[{"name":"c"}]"#))
        }
    }

    @Test func strategicMergeUnitesFinalizers() async throws {
        try await withSandbox { _, api in
            var body = secret("f")
            body["metadata"]?["finalizers"] = json(#"["a"]"#)
            _ = try await api.post(secrets, body)
            let patched = try await api.patch("\(secrets)/f", json(#"{"metadata":{"finalizers":["b","a"]}}"#),
                                              type: "application/strategic-merge-patch+json")
            #expect(patched.body["metadata"]?["finalizers"] == json(#"["a","b"]"#))
            let removed = try await api.patch("\(secrets)/f", json(#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}"#),
                                              type: "application/strategic-merge-patch+json")
            #expect(removed.body["metadata"]?["finalizers"] == json(#"["b"]"#))
        }
    }

    @Test func strategicMergeIsUnsupportedForCustomResources() async throws {
        try await withSandbox { _, api in
            let path = "/apis/regcred.dev/v1alpha1/clusterpullsecrets"
            _ = try await api.post(path, clusterPullSecret("c"))
            let response = try await api.patch("\(path)/c", json(#"{"spec":{}}"#), type: "application/strategic-merge-patch+json")
            #expect(response.status == 415)
            #expect(response.reason == "UnsupportedMediaType")
        }
    }

    @Test func patchWithStaleResourceVersionConflicts() async throws {
        try await withSandbox { _, api in
            let created = try await api.post(secrets, secret("p")).body
            _ = try await api.patch("\(secrets)/p", json(#"{"metadata":{"labels":{"x":"1"}}}"#), type: "application/merge-patch+json")
            let stale = json(#"{"metadata":{"resourceVersion":"\#(created.resourceVersion)","labels":{"x":"2"}}}"#)
            let response = try await api.patch("\(secrets)/p", stale, type: "application/merge-patch+json")
            #expect(response.status == 409)
        }
    }

    @Test func patchOfCustomResourceStatusLeavesGenerationAlone() async throws {
        try await withSandbox { _, api in
            let path = "/apis/regcred.dev/v1alpha1/clusterpullsecrets"
            _ = try await api.post(path, clusterPullSecret("c"))
            let patched = try await api.patch("\(path)/c/status", json(#"{"status":{"observedGeneration":1}}"#),
                                              type: "application/merge-patch+json")
            #expect(patched.status == 200)
            #expect(patched.body["status"]?["observedGeneration"]?.integerValue == 1)
            #expect(patched.body["metadata"]?["generation"]?.integerValue == 1)
        }
    }

    @Test func applyRequiresAFieldManagerAndCreatesWhenMissing() async throws {
        try await withSandbox { _, api in
            let body = secret("applied")
            let missing = try await api.patch("\(secrets)/applied", body, type: "application/apply-patch+yaml")
            #expect(missing.status == 422)
            let created = try await api.patch("\(secrets)/applied?fieldManager=regcred", body, type: "application/apply-patch+yaml")
            #expect(created.status == 201 || created.status == 200)
            #expect(try await api.get("\(secrets)/applied").status == 200)
        }
    }
}
