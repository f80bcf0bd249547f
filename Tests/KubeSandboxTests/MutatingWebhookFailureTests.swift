// A webhook that cannot be called: down, too slow, or with a certificate the caBundle does not
// trust. failurePolicy Ignore creates the pod unchanged; Fail answers 500 as kube-apiserver does
// (`Internal error occurred: failed calling webhook "X": failed to call webhook: Post "URL": …`,
// util/webhook/error.go, webhook/mutating/dispatcher.go).
import Foundation
import KubeSandbox
import RegcredCore
import TestPeers
import Testing

@Suite struct MutatingWebhookFailureTests {
    static let pods = "/api/v1/namespaces/default/pods"

    @Test func webhookDownWithIgnoreCreatesThePodUnchanged() async throws {
        let port = try FreePort.pick()
        try await withSandbox { _, api in
            let hook = podWebhook("inject.regcred.dev", url: "https://127.0.0.1:\(port)/mutate", caBundle: nil,
                                  extra: ["failurePolicy": "Ignore"])
            _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
            let created = try await api.post(Self.pods, pod("web"))
            #expect(created.status == 201)
            #expect(created.body["spec"]?["imagePullSecrets"] == nil)
            #expect(try await api.get("\(Self.pods)/web").status == 200)
        }
    }

    @Test func webhookDownWithFailIsAnInternalErrorNamingTheCall() async throws {
        let port = try FreePort.pick()
        try await withSandbox { _, api in
            let hook = podWebhook("inject.regcred.dev", url: "https://127.0.0.1:\(port)/mutate", caBundle: nil)
            _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
            let refused = try await api.post(Self.pods, pod("web"))
            let reason = #"failed calling webhook "inject.regcred.dev": failed to call webhook: Post "https://127.0.0.1:\#(port)/mutate?timeout=10s": dial tcp 127.0.0.1:\#(port): connect: connection refused"#
            #expect(refused.status == 500)
            #expect(refused.reason == "InternalError")
            #expect(refused.message == "Internal error occurred: \(reason)")
            #expect(refused.body["details"]?["causes"] == .array([.object(["message": .string(reason)])]))
            #expect(try await api.get("\(Self.pods)/web").status == 404)
        }
    }

    @Test func timeoutSecondsEndsTheCallAndTheFailurePolicyDecides() async throws {
        try await StandInWebhook.with(answer: { _ in .hang }) { webhook in
            try await withSandbox { _, api in
                let failing = podWebhook("slow.regcred.dev", url: webhook.baseURL + "/slow", caBundle: webhook.caBundle,
                                         extra: ["timeoutSeconds": .integer(1)])
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("slow", hooks: [failing]))
                let refused = try await api.post(Self.pods, pod("web"))
                #expect(refused.status == 500)
                #expect(refused.message == #"Internal error occurred: failed calling webhook "slow.regcred.dev": failed to call webhook: Post "\#(webhook.baseURL)/slow?timeout=1s": context deadline exceeded"#)
                #expect(webhook.received.first?.query == "timeout=1s")

                let patched = try await api.patch("\(mutatingWebhookConfigurations)/slow",
                                                  json(#"[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]"#),
                                                  type: "application/json-patch+json")
                #expect(patched.status == 200)
                #expect(try await api.post(Self.pods, pod("web")).status == 201)
            }
        }
    }

    @Test func certificateTheCABundleDoesNotTrustIsACallFailure() async throws {
        let unrelated = try await StandInWebhook.unrelatedCABundle()
        try await StandInWebhook.with(answer: { _ in .allow }) { webhook in
            try await withSandbox { _, api in
                let hook = podWebhook("inject.regcred.dev", url: webhook.baseURL + "/mutate", caBundle: unrelated)
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
                let refused = try await api.post(Self.pods, pod("web"))
                #expect(refused.status == 500)
                #expect(refused.message == #"Internal error occurred: failed calling webhook "inject.regcred.dev": failed to call webhook: Post "\#(webhook.baseURL)/mutate?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority"#)
                #expect(webhook.received.isEmpty)
            }
        }
    }

    @Test func answerWithAnotherUIDIsAnInvalidResponse() async throws {
        let answer = json(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"not-the-request","allowed":true}}"#)
        try await StandInWebhook.with(answer: { _ in .body(answer) }) { webhook in
            try await withSandbox { _, api in
                let hook = podWebhook("inject.regcred.dev", url: webhook.baseURL, caBundle: webhook.caBundle)
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
                let refused = try await api.post(Self.pods, pod("web"))
                let uid = webhook.received.first?.request["uid"]?.stringValue ?? ""
                #expect(refused.status == 500)
                #expect(refused.message == #"Internal error occurred: failed calling webhook "inject.regcred.dev": received invalid webhook response: expected response.uid="\#(uid)", got "not-the-request""#)
            }
        }
    }

    @Test func patchThatDoesNotApplyIsAnInternalErrorEvenWhenIgnored() async throws {
        let patch = json(#"[{"op":"replace","path":"/spec/nothingHere","value":1}]"#)
        try await StandInWebhook.with(answer: { _ in .patch(patch) }) { webhook in
            try await withSandbox { _, api in
                let hook = podWebhook("inject.regcred.dev", url: webhook.baseURL, caBundle: webhook.caBundle,
                                      extra: ["failurePolicy": "Ignore"])
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
                let refused = try await api.post(Self.pods, pod("web"))
                #expect(refused.status == 500)
                #expect(refused.message == #"Internal error occurred: replace operation does not apply: doc is missing path: "/spec/nothingHere": missing value"#)
            }
        }
    }
}
