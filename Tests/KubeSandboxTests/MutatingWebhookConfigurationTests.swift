// Storing admissionregistration.k8s.io/v1 MutatingWebhookConfigurations: served and authorized
// like every kind, v1 defaults applied (admissionregistration/v1/defaults.go), generation kept as
// the registry strategy keeps it, and invalid ones refused with kube-apiserver's messages
// (admissionregistration/validation/validation.go, apiserver util/webhook/validation.go).
import Foundation
import KubeSandbox
import RegcredCore
import Testing

@Suite struct MutatingWebhookConfigurationTests {
    static let minimalHook = json(#"""
        {"name":"inject.regcred.dev","sideEffects":"None","admissionReviewVersions":["v1"],
         "clientConfig":{"url":"https://127.0.0.1:8443/mutate"},
         "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]}]}
        """#)

    @Test func createdWithTheV1DefaultsAndGenerationOne() async throws {
        try await withSandbox { _, api in
            let created = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [Self.minimalHook]))
            #expect(created.status == 201)
            let stored = try await api.get("\(mutatingWebhookConfigurations)/regcred").body
            let hook = try #require(stored["webhooks"]?.arrayValue?.first)
            #expect(hook["failurePolicy"] == "Fail")
            #expect(hook["matchPolicy"] == "Equivalent")
            #expect(hook["namespaceSelector"] == .object([:]))
            #expect(hook["objectSelector"] == .object([:]))
            #expect(hook["timeoutSeconds"] == .integer(10))
            #expect(hook["reinvocationPolicy"] == "Never")
            #expect(hook["rules"]?.arrayValue?.first?["scope"] == "*")
            #expect(stored["metadata"]?["generation"] == .integer(1))
            #expect(stored["metadata"]?["namespace"] == nil)
        }
    }

    @Test func serviceReferenceDefaultsToPort443() async throws {
        try await withSandbox { _, api in
            var hook = Self.minimalHook
            hook["clientConfig"] = json(#"{"service":{"namespace":"regcred-system","name":"webhook"}}"#)
            _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
            let stored = try await api.get("\(mutatingWebhookConfigurations)/regcred").body
            #expect(stored["webhooks"]?.arrayValue?.first?["clientConfig"]?["service"]?["port"] == .integer(443))
        }
    }

    @Test func listedDiscoveredAndPatchedWithGenerationCountingWebhookChanges() async throws {
        try await withSandbox { _, api in
            _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [Self.minimalHook]))
            let list = try await api.get(mutatingWebhookConfigurations)
            #expect(list.body["kind"] == "MutatingWebhookConfigurationList")
            #expect(list.body.itemNames == ["regcred"])
            let resources = try await api.get("/apis/admissionregistration.k8s.io/v1").body["resources"]?.arrayValue ?? []
            #expect(resources.contains { $0["name"] == "mutatingwebhookconfigurations" && $0["namespaced"] == .bool(false) })

            let labelled = try await api.patch("\(mutatingWebhookConfigurations)/regcred", json(#"{"metadata":{"labels":{"a":"b"}}}"#),
                                               type: "application/merge-patch+json")
            #expect(labelled.body["metadata"]?["generation"] == .integer(1))
            let retimed = try await api.patch("\(mutatingWebhookConfigurations)/regcred",
                                              json(#"[{"op":"replace","path":"/webhooks/0/timeoutSeconds","value":5}]"#),
                                              type: "application/json-patch+json")
            #expect(retimed.status == 200)
            #expect(retimed.body["webhooks"]?.arrayValue?.first?["timeoutSeconds"] == .integer(5))
            #expect(retimed.body["metadata"]?["generation"] == .integer(2))
        }
    }

    @Test func authorizedByRBACLikeEveryKind() async throws {
        var options = KubeSandbox.Options()
        let reader = SandboxUser(name: "reader", token: "reader-token", rules: [PolicyRule(verbs: ["list"], resources: ["namespaces"])])
        options.users = [.admin, reader]
        try await withSandbox(options) { sandbox, _ in
            let denied = try await SandboxClient(sandbox, token: "reader-token").get(mutatingWebhookConfigurations)
            #expect(denied.status == 403)
            #expect(denied.message == #"mutatingwebhookconfigurations.admissionregistration.k8s.io is forbidden: User "reader" cannot list resource "mutatingwebhookconfigurations" in API group "admissionregistration.k8s.io" at the cluster scope"#)
        }
    }

    static let invalid: [(change: String, message: String)] = [
        (#"{"name":"inject"}"#,
         #"webhooks[0].name: Invalid value: "inject": should be a domain with at least three segments separated by dots"#),
        (#"{"name":"Inject.regcred.dev"}"#,
         #"webhooks[0].name: Invalid value: "Inject.regcred.dev": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#),
        (#"{"sideEffects":null}"#, "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun"),
        (#"{"sideEffects":"Some"}"#, #"webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun""#),
        (#"{"failurePolicy":"Sometimes"}"#, #"webhooks[0].failurePolicy: Unsupported value: "Sometimes": supported values: "Fail", "Ignore""#),
        (#"{"reinvocationPolicy":"Always"}"#, #"webhooks[0].reinvocationPolicy: Unsupported value: "Always": supported values: "IfNeeded", "Never""#),
        (#"{"timeoutSeconds":31}"#, "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds"),
        (#"{"timeoutSeconds":0}"#, "webhooks[0].timeoutSeconds: Invalid value: 0: the timeout value must be between 1 and 30 seconds"),
        (#"{"admissionReviewVersions":["v2"]}"#,
         #"webhooks[0].admissionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1"#),
        (#"{"admissionReviewVersions":[]}"#, "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1"),
        (#"{"clientConfig":{"url":"https://127.0.0.1/x","service":{"namespace":"a","name":"b"}}}"#,
         "webhooks[0].clientConfig: Required value: exactly one of url or service is required"),
        (#"{"clientConfig":{"url":null}}"#, "webhooks[0].clientConfig: Required value: exactly one of url or service is required"),
        (#"{"clientConfig":{"url":"http://127.0.0.1/mutate"}}"#,
         #"webhooks[0].clientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme; desired format: https://host[/path]"#),
        (#"{"clientConfig":{"url":"https://127.0.0.1/mutate?x=1"}}"#,
         #"webhooks[0].clientConfig.url: Invalid value: "x=1": query parameters are not permitted in the URL"#),
        (#"{"clientConfig":{"url":"https://127.0.0.1/mutate#top"}}"#,
         #"webhooks[0].clientConfig.url: Invalid value: "top": fragments are not permitted in the URL"#),
        (#"{"clientConfig":{"url":"https://me@127.0.0.1/mutate"}}"#,
         #"webhooks[0].clientConfig.url: Invalid value: "me": user information is not permitted in the URL"#),
        (#"{"clientConfig":{"url":null,"service":{"namespace":"a","name":"b","path":"/a//b"}}}"#,
         #"webhooks[0].clientConfig.service.path: Invalid value: "/a//b": segment[1] may not be empty"#),
        (#"{"clientConfig":{"url":null,"service":{"namespace":"a","name":"b","path":"mutate"}}}"#,
         #"webhooks[0].clientConfig.service.path: Invalid value: "mutate": must start with a '/'"#),
        (#"{"clientConfig":{"url":null,"service":{"namespace":"","name":"b","port":70000}}}"#,
         "[webhooks[0].clientConfig.service.namespace: Required value: service namespace is required, webhooks[0].clientConfig.service.port: Invalid value: 70000: port is not valid: must be between 1 and 65535, inclusive]"),
        (#"{"rules":[{"operations":["CREATE","*"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"],"scope":"Everywhere"}]}"#,
         #"[webhooks[0].rules[0].operations: Invalid value: []admissionregistration.OperationType{"CREATE", "*"}: if '*' is present, must not specify other operations, webhooks[0].rules[0].scope: Unsupported value: "Everywhere": supported values: "*", "Cluster", "Namespaced"]"#),
        (#"{"objectSelector":{"matchExpressions":[{"key":"a","operator":"Is"}]}}"#,
         #"webhooks[0].objectSelector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator"#),
    ]

    @Test(arguments: invalid)
    func invalidWebhookIsRefusedWithTheAPIServerMessage(change: String, message: String) async throws {
        try await withSandbox { _, api in
            let hook = JSONValue.mergePatched(Self.minimalHook, with: json(change))
            let refused = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
            #expect(refused.status == 422)
            #expect(refused.reason == "Invalid")
            #expect(refused.message == #"MutatingWebhookConfiguration.admissionregistration.k8s.io "regcred" is invalid: "# + message)
            #expect(try await api.get("\(mutatingWebhookConfigurations)/regcred").status == 404)
        }
    }

    @Test func duplicateWebhookNamesAreRefused() async throws {
        try await withSandbox { _, api in
            let refused = try await api.post(mutatingWebhookConfigurations,
                                             mutatingWebhookConfiguration("regcred", hooks: [Self.minimalHook, Self.minimalHook]))
            #expect(refused.status == 422)
            #expect(refused.message == #"MutatingWebhookConfiguration.admissionregistration.k8s.io "regcred" is invalid: webhooks[1].name: Duplicate value: "inject.regcred.dev""#)
        }
    }

    @Test func caBundleThatIsNotBase64CannotBeDecoded() async throws {
        try await withSandbox { _, api in
            var hook = Self.minimalHook
            hook["clientConfig"]?["caBundle"] = "not base64!"
            let refused = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
            #expect(refused.status == 400)
            #expect(refused.message == #"MutatingWebhookConfiguration in version "v1" cannot be handled as a MutatingWebhookConfiguration: illegal base64 data at input byte 3"#)
        }
    }

    @Test func updateIsValidatedToo() async throws {
        try await withSandbox { _, api in
            _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [Self.minimalHook]))
            let refused = try await api.patch("\(mutatingWebhookConfigurations)/regcred",
                                              json(#"[{"op":"replace","path":"/webhooks/0/timeoutSeconds","value":60}]"#),
                                              type: "application/json-patch+json")
            #expect(refused.status == 422)
            #expect(refused.message == #"MutatingWebhookConfiguration.admissionregistration.k8s.io "regcred" is invalid: webhooks[0].timeoutSeconds: Invalid value: 60: the timeout value must be between 1 and 30 seconds"#)
        }
    }
}

extension JSONValue {
    /// RFC 7386 merge of `patch` into `base` (null removes), for building test variants.
    static func mergePatched(_ base: JSONValue, with patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch, case .object(var members) = base else { return patch }
        for (key, value) in changes {
            if value == .null { members[key] = nil } else { members[key] = mergePatched(members[key] ?? .null, with: value) }
        }
        return .object(members)
    }
}
