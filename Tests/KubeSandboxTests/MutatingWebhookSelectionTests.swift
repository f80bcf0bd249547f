// Which pods a webhook sees: its namespaceSelector against the namespace's labels (with the
// kubernetes.io/metadata.name label every namespace carries), its objectSelector against the
// pod's labels (webhook/predicates/namespace and object), and a webhook reached through
// `clientConfig.service` as `<name>.<namespace>.svc` (util/webhook/client.go).
import Foundation
import KubeSandbox
import RegcredCore
import Testing

@Suite struct MutatingWebhookSelectionTests {
    @Test func namespaceSelectorExcludesNamespacesWhoseLabelsDoNotMatch() async throws {
        try await StandInWebhook.with(answer: { _ in .allow }) { webhook in
            try await withSandbox { _, api in
                let hook = podWebhook("inject.regcred.dev", url: webhook.baseURL, caBundle: webhook.caBundle, extra: [
                    "namespaceSelector": json(#"{"matchLabels":{"regcred.dev/inject":"enabled"},"matchExpressions":[{"key":"kubernetes.io/metadata.name","operator":"NotIn","values":["kube-system"]}]}"#),
                ])
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
                var labelled = namespace("injected")
                labelled["metadata"]?["labels"] = json(#"{"regcred.dev/inject":"enabled"}"#)
                _ = try await api.post("/api/v1/namespaces", labelled)
                _ = try await api.post("/api/v1/namespaces", namespace("plain"))

                #expect(try await api.post("/api/v1/namespaces/plain/pods", pod("web")).status == 201)
                #expect(try await api.post("/api/v1/namespaces/injected/pods", pod("web")).status == 201)
                #expect(webhook.received.map { $0.request["namespace"] } == ["injected"])
            }
        }
    }

    @Test func objectSelectorExcludesPodsWhoseLabelsDoNotMatch() async throws {
        try await StandInWebhook.with(answer: { _ in .allow }) { webhook in
            try await withSandbox { _, api in
                let hook = podWebhook("inject.regcred.dev", url: webhook.baseURL, caBundle: webhook.caBundle, extra: [
                    "objectSelector": json(#"{"matchExpressions":[{"key":"regcred.dev/skip","operator":"DoesNotExist"}]}"#),
                ])
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
                #expect(try await api.post("/api/v1/namespaces/default/pods", pod("skipped", labels: ["regcred.dev/skip": "true"])).status == 201)
                #expect(try await api.post("/api/v1/namespaces/default/pods", pod("seen")).status == 201)
                #expect(webhook.received.map { $0.request["name"] } == ["seen"])
            }
        }
    }

    @Test func ruleForAnotherResourceOrOperationIsNotCalled() async throws {
        try await StandInWebhook.with(answer: { _ in .allow }) { webhook in
            try await withSandbox { _, api in
                var updates = podWebhook("updates.regcred.dev", url: webhook.baseURL, caBundle: webhook.caBundle)
                updates["rules"] = json(#"[{"operations":["UPDATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]}]"#)
                var status = podWebhook("status.regcred.dev", url: webhook.baseURL, caBundle: webhook.caBundle)
                status["rules"] = json(#"[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods/status"]}]"#)
                var cluster = podWebhook("cluster.regcred.dev", url: webhook.baseURL, caBundle: webhook.caBundle)
                cluster["rules"] = json(#"[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"],"scope":"Cluster"}]"#)
                var anySubresource = podWebhook("all.regcred.dev", url: webhook.baseURL, caBundle: webhook.caBundle)
                anySubresource["rules"] = json(#"[{"operations":["CREATE"],"apiGroups":["*"],"apiVersions":["*"],"resources":["pods/*"],"scope":"Namespaced"}]"#)
                _ = try await api.post(mutatingWebhookConfigurations,
                                       mutatingWebhookConfiguration("regcred", hooks: [updates, status, cluster, anySubresource]))
                #expect(try await api.post("/api/v1/namespaces/default/pods", pod("web")).status == 201)
                #expect(webhook.received.count == 1)
            }
        }
    }

    @Test func serviceIsCalledByItsClusterNameAtTheAddressTheTestGave() async throws {
        try await StandInWebhook.with(serverNames: ["webhook.regcred-system.svc"], loopbackIP: false, answer: { _ in .allow }) { webhook in
            var options = KubeSandbox.Options()
            options.webhookServices = [KubeSandbox.WebhookService(namespace: "regcred-system", name: "webhook"): "127.0.0.1:\(webhook.port)"]
            try await withSandbox(options) { _, api in
                let hook = json(#"""
                    {"name":"inject.regcred.dev","sideEffects":"None","admissionReviewVersions":["v1"],
                     "clientConfig":{"service":{"namespace":"regcred-system","name":"webhook","path":"/mutate"},"caBundle":"\#(webhook.caBundle)"},
                     "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]}]}
                    """#)
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
                #expect(try await api.post("/api/v1/namespaces/default/pods", pod("web")).status == 201)
                #expect(webhook.received.map(\.path) == ["/mutate"])
            }
        }
    }

    @Test func certificateForAnotherNameThanTheServiceIsACallFailure() async throws {
        try await StandInWebhook.with(serverNames: ["other.regcred-system.svc"], loopbackIP: false, answer: { _ in .allow }) { webhook in
            var options = KubeSandbox.Options()
            options.webhookServices = [KubeSandbox.WebhookService(namespace: "regcred-system", name: "webhook"): "127.0.0.1:\(webhook.port)"]
            try await withSandbox(options) { _, api in
                let hook = json(#"""
                    {"name":"inject.regcred.dev","sideEffects":"None","admissionReviewVersions":["v1"],
                     "clientConfig":{"service":{"namespace":"regcred-system","name":"webhook"},"caBundle":"\#(webhook.caBundle)"},
                     "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]}]}
                    """#)
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
                let refused = try await api.post("/api/v1/namespaces/default/pods", pod("web"))
                #expect(refused.status == 500)
                #expect(refused.message.hasPrefix(#"Internal error occurred: failed calling webhook "inject.regcred.dev": failed to call webhook: Post "https://webhook.regcred-system.svc:443/?timeout=10s": tls: failed to verify certificate: x509: "#))
                #expect(webhook.received.isEmpty)
            }
        }
    }
}
