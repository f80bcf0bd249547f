// Pure pieces tested without a server: selectors, patches, names, DER parsing.
import Foundation
@testable import KubeSandbox
import RegcredCore
import Testing

@Suite struct SelectorUnitTests {
    @Test(arguments: [
        ("a=b", ["a": "b"], true), ("a=b", ["a": "c"], false), ("a!=b", [:], true),
        ("a in (x, y)", ["a": "y"], true), ("a notin (x)", ["a": "x"], false),
        ("a", ["a": ""], true), ("!a", ["a": "1"], false), ("a>2", ["a": "3"], true),
    ])
    func labelSelectorMatches(selector: String, labels: [String: String], matches: Bool) throws {
        #expect(try LabelSelector(parsing: selector).matches(labels) == matches)
    }

    @Test func malformedLabelSelectorIsBadRequest() {
        #expect(throws: APIError.self) { try LabelSelector(parsing: "a in x") }
    }
}

@Suite struct PatchUnitTests {
    @Test func jsonPatchReplaceOfMissingPathFails() {
        #expect(throws: JSONPatch.Failure.self) {
            try JSONPatch.apply(json(#"[{"op":"replace","path":"/nope","value":1}]"#), to: json("{}"))
        }
    }

    @Test func jsonPatchAppendsWithDash() throws {
        let result = try JSONPatch.apply(json(#"[{"op":"add","path":"/l/-","value":3}]"#), to: json(#"{"l":[1,2]}"#))
        #expect(result == json(#"{"l":[1,2,3]}"#))
    }

    @Test func mergePatchReplacesArrays() {
        #expect(JSONMergePatch.apply(json(#"{"a":[3]}"#), to: json(#"{"a":[1,2],"b":1}"#)) == json(#"{"a":[3],"b":1}"#))
    }

    @Test func strategicMergeMergesPodImagePullSecretsByName() {
        let pod = json(#"{"spec":{"imagePullSecrets":[{"name":"a"}]}}"#)
        let patched = StrategicMergePatch.apply(json(#"{"spec":{"imagePullSecrets":[{"name":"b"}]}}"#), to: pod, kind: "Pod")
        #expect(patched == json(#"{"spec":{"imagePullSecrets":[{"name":"a"},{"name":"b"}]}}"#))
    }

    @Test func strategicMergeDeletesAnElementByKey() {
        let account = json(#"{"secrets":[{"name":"a"},{"name":"b"}]}"#)
        let patched = StrategicMergePatch.apply(json(#"{"secrets":[{"name":"a","$patch":"delete"}]}"#), to: account, kind: "ServiceAccount")
        #expect(patched == json(#"{"secrets":[{"name":"b"}]}"#))
    }
}

@Suite struct NameUnitTests {
    @Test(arguments: [("a", true), ("a.b-c", true), ("A", false), ("-a", false), ("a..b", false), ("", false)])
    func subdomainNames(name: String, valid: Bool) {
        #expect(NameValidation.isSubdomain(name) == valid)
    }

    @Test(arguments: [("a-1", true), ("a.b", false), (String(repeating: "a", count: 64), false)])
    func labelNames(name: String, valid: Bool) {
        #expect(NameValidation.isLabel(name) == valid)
    }

    @Test func humanAgeFollowsKubectlFormat() {
        let now = Date()
        func ago(_ seconds: Double) -> String { now.addingTimeInterval(-seconds).formatted(.iso8601) }
        #expect(TableRenderer.humanAge(ago(5)) == "5s")
        #expect(TableRenderer.humanAge(ago(200)) == "3m20s")
        #expect(TableRenderer.humanAge(ago(3 * 3600)) == "3h")
    }
}
