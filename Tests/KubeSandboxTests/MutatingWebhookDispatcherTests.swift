// The dispatcher's decisions without sockets: reinvocation of IfNeeded webhooks (once, only
// after a later webhook changed the object), dry run against a webhook with side effects,
// and a webhook that accepts no known AdmissionReview version (webhook/mutating/dispatcher.go).
import Foundation
@testable import KubeSandbox
import RegcredCore
import Synchronization
import Testing

/// The webhook names a fake call saw, in order.
final class CallLog: Sendable {
    private let names = Mutex<[String]>([])
    func append(_ name: String) { names.withLock { $0.append(name) } }
    var all: [String] { names.withLock { $0 } }
}

@Suite struct MutatingWebhookDispatcherTests {
    /// Webhooks of one configuration; each entry is a name and members to override.
    static func hooks(_ entries: [(String, [String: JSONValue])]) -> [MutatingWebhook] {
        let webhooks = entries.map { name, extra in
            var hook: [String: JSONValue] = [
                "name": .string(name), "clientConfig": .object(["url": "https://127.0.0.1/"]), "sideEffects": "None",
                "admissionReviewVersions": .array(["v1"]), "reinvocationPolicy": "Never", "failurePolicy": "Fail",
                "rules": json(#"[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"],"scope":"*"}]"#),
            ]
            for (key, value) in extra { hook[key] = value }
            return JSONValue.object(hook)
        }
        return MutatingWebhook.all(in: .object(["metadata": .object(["name": "config"]), "webhooks": .array(webhooks)]))
    }

    static func request(dryRun: Bool = false) -> MutatingWebhookDispatcher.Request {
        MutatingWebhookDispatcher.Request(type: ResourceRegistry.builtIn.first { $0.plural == "pods" }!, namespace: "default",
                                          object: json(#"{"metadata":{"name":"web"},"spec":{}}"#), user: .admin,
                                          dryRun: dryRun, fieldManager: nil)
    }

    /// A dispatcher whose webhooks each add their own name as a label (when `labelling` lists
    /// them) and record the calls in order.
    static func dispatcher(labelling: Set<String>, calls: CallLog) -> MutatingWebhookDispatcher {
        MutatingWebhookDispatcher { review, hook in
            calls.append(hook.name)
            var response: [String: JSONValue] = ["uid": review["request"]?["uid"] ?? .null, "allowed": .bool(true)]
            if labelling.contains(hook.name) {
                let patch = json(#"[{"op":"add","path":"/metadata/labels","value":{}},{"op":"add","path":"/metadata/labels/\#(hook.name)","value":"yes"}]"#)
                let existing = review["request"]?["object"]?["metadata"]?["labels"] != nil
                let operations = existing ? .array(Array(patch.arrayValue!.dropFirst())) : patch
                response["patchType"] = "JSONPatch"
                response["patch"] = .string(operations.encoded().base64EncodedString())
            }
            return .success(.object(["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": .object(response)]))
        }
    }

    @Test func ifNeededWebhookIsCalledAgainOnceALaterWebhookChangedTheObject() async throws {
        let calls = CallLog()
        let hooks = Self.hooks([("first", ["reinvocationPolicy": "IfNeeded"]), ("second", [:])])
        let outcome = try await Self.dispatcher(labelling: ["second"], calls: calls)
            .admit(Self.request(), hooks: hooks, namespaceLabels: [:])
        #expect(calls.all == ["first", "second", "first"])
        #expect(outcome.object["metadata"]?["labels"]?["second"] == "yes")
    }

    @Test func noReinvocationWhenOnlyTheWebhookItselfChangedTheObject() async throws {
        let calls = CallLog()
        let hooks = Self.hooks([("first", ["reinvocationPolicy": "IfNeeded"]), ("second", [:])])
        _ = try await Self.dispatcher(labelling: ["first"], calls: calls).admit(Self.request(), hooks: hooks, namespaceLabels: [:])
        #expect(calls.all == ["first", "second"])
    }

    @Test func neverWebhookIsNotCalledAgain() async throws {
        let calls = CallLog()
        let hooks = Self.hooks([("first", [:]), ("second", [:])])
        _ = try await Self.dispatcher(labelling: ["second"], calls: calls).admit(Self.request(), hooks: hooks, namespaceLabels: [:])
        #expect(calls.all == ["first", "second"])
    }

    @Test func reinvocationHappensOnceEvenWhenTheSecondRoundChangesTheObjectAgain() async throws {
        let calls = CallLog()
        let hooks = Self.hooks([("first", ["reinvocationPolicy": "IfNeeded"]), ("second", ["reinvocationPolicy": "IfNeeded"])])
        _ = try await Self.dispatcher(labelling: ["first", "second"], calls: calls).admit(Self.request(), hooks: hooks, namespaceLabels: [:])
        #expect(calls.all == ["first", "second", "first"])
    }

    @Test func dryRunAgainstAWebhookWithSideEffectsIsRefusedWithoutCallingIt() async throws {
        let calls = CallLog()
        let hooks = Self.hooks([("effects.regcred.dev", ["sideEffects": "Some", "failurePolicy": "Ignore"])])
        await #expect {
            _ = try await Self.dispatcher(labelling: [], calls: calls).admit(Self.request(dryRun: true), hooks: hooks, namespaceLabels: [:])
        } throws: { error in
            let error = error as? APIError
            return error?.code == 400 && error?.reason == "BadRequest"
                && error?.message == #"admission webhook "effects.regcred.dev" does not support dry run"#
        }
        #expect(calls.all.isEmpty)
    }

    @Test func webhookAcceptingNoKnownReviewVersionIsACallFailure() async throws {
        let calls = CallLog()
        let hooks = Self.hooks([("old.regcred.dev", ["admissionReviewVersions": .array(["v0"])])])
        await #expect {
            _ = try await Self.dispatcher(labelling: [], calls: calls).admit(Self.request(), hooks: hooks, namespaceLabels: [:])
        } throws: { error in
            (error as? APIError)?.message == #"Internal error occurred: failed calling webhook "old.regcred.dev": could not create admission objects: webhook does not accept known AdmissionReview versions (v1, v1beta1)"#
        }
        #expect(calls.all.isEmpty)
    }

    @Test(arguments: [
        ("*", true), ("Namespaced", true), ("Cluster", false),
    ])
    func ruleScopeForPods(scope: String, matches: Bool) {
        let rule = MutatingWebhook.Rule(operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["pods"], scope: scope)
        let pods = ResourceRegistry.builtIn.first { $0.plural == "pods" }!
        #expect(MutatingWebhookDispatcher.matches(rule, type: pods, namespaced: true) == matches)
    }

    @Test(arguments: [
        ("not base64!", 3), ("YWJj", nil), ("YWI=", nil), ("YQ==", nil), ("YWJjZA", 4), ("YW=j", 2), ("YWI=x", 4),
    ] as [(String, Int?)])
    func caBundleDecodesAsGoBase64Does(text: String, failsAt: Int?) {
        #expect(WebhookConfigurationValidation.invalidBase64Offset(text) == failsAt)
    }
}
