// Selectors, query strings and resource paths as the API server expects them.
import Testing
@testable import KubernetesClient

@Suite struct RequestEncodingTests {
    @Test func labelSelectorsUseTheAPITextForm() {
        let selector = LabelQuery([
            .equals("app", "web"), .notEquals("tier", "db"), .in("env", ["prod", "dev"]),
            .notIn("zone", ["b"]), .exists("managed"), .doesNotExist("legacy"),
        ])
        #expect(selector.description == "app=web,tier!=db,env in (dev,prod),zone notin (b),managed,!legacy")
        let literal: LabelQuery = ["b": "2", "a": "1"]
        #expect(literal.description == "a=1,b=2")
    }

    @Test func labelSelectorsMatchLocally() {
        let selector = LabelQuery([.in("env", ["prod"]), .doesNotExist("legacy")])
        #expect(selector.matches(["env": "prod"]))
        #expect(!selector.matches(["env": "prod", "legacy": "x"]))
        #expect(!selector.matches([:]))
    }

    @Test func fieldSelectorValuesEscapeSeparators() {
        #expect(FieldSelector([.equals("metadata.name", "a,b=c\\d"), .notEquals("type", "Opaque")]).description
            == #"metadata.name=a\,b\=c\\d,type!=Opaque"#)
    }

    @Test func queryValuesArePercentEncodedStrictly() {
        let options = ListOptions(labelSelector: LabelQuery([.in("env", ["a", "b"]), .notEquals("x", "y")]), limit: 50, continueToken: "abc+/=")
        let request = KubeRequest(verb: .list, method: .GET, path: "/api/v1/secrets", query: options.queryItems, operation: "list")
        #expect(request.target == "/api/v1/secrets?labelSelector=env%20in%20%28a%2Cb%29%2Cx%21%3Dy&limit=50&continue=abc%2B%2F%3D")
    }

    @Test func resourcePaths() {
        #expect(Resource.secrets.path(namespace: "app", name: "pull") == "/api/v1/namespaces/app/secrets/pull")
        #expect(Resource.secrets.path(namespace: nil) == "/api/v1/secrets")
        #expect(Resource.namespaces.path(namespace: "ignored", name: "app") == "/api/v1/namespaces/app")
        #expect(Resource.leases.path(namespace: "kube-system", name: "regcred") == "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/regcred")
        let custom = Resource(group: "regcred.dev", version: "v1alpha1", plural: "clusterpullsecrets", kind: "ClusterPullSecret", namespaced: false)
        #expect(custom.path(namespace: nil, name: "ghcr", subresource: "status") == "/apis/regcred.dev/v1alpha1/clusterpullsecrets/ghcr/status")
        #expect(custom.apiVersion == "regcred.dev/v1alpha1")
        #expect(Resource.secrets.path(namespace: "a", name: "x/../y") == "/api/v1/namespaces/a/secrets/x%2F..%2Fy")
    }

    @Test func deleteOptionsCarryPreconditionsAndPropagation() {
        let options = DeleteOptions(preconditionUID: "u-1", preconditionResourceVersion: "42", propagationPolicy: .foreground, dryRun: true)
        #expect(options.json.encodedString() == #"{"apiVersion":"v1","dryRun":["All"],"kind":"DeleteOptions","preconditions":{"resourceVersion":"42","uid":"u-1"},"propagationPolicy":"Foreground"}"#)
    }

    @Test func patchesHaveTheirContentTypes() {
        #expect(Patch.merge(.null).contentType == "application/merge-patch+json")
        #expect(Patch.json([]).contentType == "application/json-patch+json")
        #expect(Patch.strategicMerge(.null).contentType == "application/strategic-merge-patch+json")
        #expect(Patch.apply(.null, fieldManager: "regcred", force: true).contentType == "application/apply-patch+yaml")
        let ops = Patch.json([.test(path: "/metadata/resourceVersion", value: .string("7")), .remove(path: "/metadata/labels/\(JSONPatchOperation.pointerSegment("regcred.dev/owner"))")])
        #expect(ops.body.encodedString() == #"[{"op":"test","path":"/metadata/resourceVersion","value":"7"},{"op":"remove","path":"/metadata/labels/regcred.dev~1owner"}]"#)
    }
}
