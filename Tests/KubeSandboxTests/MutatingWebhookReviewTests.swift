// Pod creation through a mutating webhook: what the AdmissionReview carries, a JSON patch
// stored, a denial answered with the webhook's words, dry run reviewed but not stored
// (kube-apiserver v1.28: webhook/mutating/dispatcher.go, webhook/request/admissionreview.go,
// webhook/errors/statuserror.go).
import Foundation
import KubeSandbox
import RegcredCore
import Testing

@Suite struct MutatingWebhookReviewTests {
    static let pods = "/api/v1/namespaces/default/pods"

    @Test func reviewCarriesTheRequestAsTheAPIServerSendsIt() async throws {
        try await StandInWebhook.with(answer: { _ in .allow }) { webhook in
            try await withSandbox { _, api in
                let hook = podWebhook("inject.regcred.dev", url: webhook.baseURL + "/mutate", caBundle: webhook.caBundle)
                #expect(try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook])).status == 201)
                let created = try await api.post(Self.pods, pod("web", labels: ["app": "web"]))
                #expect(created.status == 201)

                let received = webhook.received
                try #require(received.count == 1)
                #expect(received[0].path == "/mutate")
                #expect(received[0].query == "timeout=10s")
                let review = received[0].review
                #expect(review["apiVersion"] == "admission.k8s.io/v1")
                #expect(review["kind"] == "AdmissionReview")
                let request = received[0].request
                #expect(request["uid"]?.stringValue?.isEmpty == false)
                #expect(request["kind"] == json(#"{"group":"","version":"v1","kind":"Pod"}"#))
                #expect(request["resource"] == json(#"{"group":"","version":"v1","resource":"pods"}"#))
                #expect(request["requestKind"] == request["kind"])
                #expect(request["requestResource"] == request["resource"])
                #expect(request["name"] == "web")
                #expect(request["namespace"] == "default")
                #expect(request["operation"] == "CREATE")
                #expect(request["userInfo"]?["username"] == "admin")
                #expect(request["userInfo"]?["groups"] == .array(["system:authenticated"]))
                #expect(request["oldObject"] == .null)
                #expect(request["dryRun"] == .bool(false))
                #expect(request["options"] == json(#"{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1"}"#))
                // The object before storage: no uid or resourceVersion yet, the namespace set,
                // the ServiceAccount admission plugin's default already applied.
                let object = try #require(request["object"])
                #expect(object["kind"] == "Pod")
                #expect(object["metadata"]?["namespace"] == "default")
                #expect(object["metadata"]?["labels"]?["app"] == "web")
                #expect(object["metadata"]?["uid"] == nil)
                #expect(object["metadata"]?["resourceVersion"] == nil)
                #expect(object["spec"]?["serviceAccountName"] == "default")
                #expect(object["spec"]?["containers"]?.arrayValue?.first?["image"] == "ghcr.io/acme/app:1")
            }
        }
    }

    @Test func jsonPatchAddingImagePullSecretsIsStored() async throws {
        let patch = json(#"[{"op":"add","path":"/spec/imagePullSecrets","value":[{"name":"regcred-ghcr"}]}]"#)
        try await StandInWebhook.with(answer: { _ in .patch(patch) }) { webhook in
            try await withSandbox { _, api in
                let hook = podWebhook("inject.regcred.dev", url: webhook.baseURL + "/mutate", caBundle: webhook.caBundle)
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
                let created = try await api.post(Self.pods, pod("web"))
                #expect(created.status == 201)
                #expect(created.body["spec"]?["imagePullSecrets"] == json(#"[{"name":"regcred-ghcr"}]"#))
                let stored = try await api.get("\(Self.pods)/web")
                #expect(stored.body["spec"]?["imagePullSecrets"] == json(#"[{"name":"regcred-ghcr"}]"#))
                // Storage still did its part after the patch.
                #expect(stored.body["status"]?["phase"] == "Pending")
                #expect(stored.body["metadata"]?["uid"]?.stringValue?.isEmpty == false)
            }
        }
    }

    @Test func configurationsRunInNameOrderEachSeeingThePatchesBeforeIt() async throws {
        let first = json(#"[{"op":"add","path":"/metadata/annotations","value":{"order":"a"}}]"#)
        try await StandInWebhook.with(answer: { review in
            review["request"]?["object"]?["metadata"]?["annotations"] == nil ? .patch(first) : .allow
        }) { webhook in
            try await withSandbox { _, api in
                // Created in reverse order: "a-first" still runs before "b-second".
                for name in ["b-second", "a-first"] {
                    let hook = podWebhook("\(name).regcred.dev", url: webhook.baseURL + "/\(name)", caBundle: webhook.caBundle)
                    _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration(name, hooks: [hook]))
                }
                #expect(try await api.post(Self.pods, pod("web")).status == 201)
                let received = webhook.received
                #expect(received.map(\.path) == ["/a-first", "/b-second"])
                #expect(received.last?.request["object"]?["metadata"]?["annotations"]?["order"] == "a")
            }
        }
    }

    @Test func denialAnswersWithTheWebhookStatusAndStoresNothing() async throws {
        let status = json(#"{"code":403,"message":"pod uses ghcr.io without a pull secret"}"#)
        try await StandInWebhook.with(answer: { _ in .deny(status) }) { webhook in
            try await withSandbox { _, api in
                let hook = podWebhook("deny.regcred.dev", url: webhook.baseURL, caBundle: webhook.caBundle)
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
                let refused = try await api.post(Self.pods, pod("web"))
                #expect(refused.status == 403)
                #expect(refused.message == #"admission webhook "deny.regcred.dev" denied the request: pod uses ghcr.io without a pull secret"#)
                #expect(refused.body["status"] == "Failure")
                #expect(try await api.get("\(Self.pods)/web").status == 404)
            }
        }
    }

    @Test func denialWithoutStatusIsBadRequestWithoutExplanation() async throws {
        try await StandInWebhook.with(answer: { _ in .deny(nil) }) { webhook in
            try await withSandbox { _, api in
                let hook = podWebhook("deny.regcred.dev", url: webhook.baseURL, caBundle: webhook.caBundle)
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
                let refused = try await api.post(Self.pods, pod("web"))
                #expect(refused.status == 400)
                #expect(refused.message == #"admission webhook "deny.regcred.dev" denied the request without explanation"#)
                #expect(refused.body["reason"] == nil)
            }
        }
    }

    @Test func dryRunIsReviewedAsDryRunAndNothingIsStored() async throws {
        let patch = json(#"[{"op":"add","path":"/spec/imagePullSecrets","value":[{"name":"regcred-ghcr"}]}]"#)
        try await StandInWebhook.with(answer: { _ in .patch(patch) }) { webhook in
            try await withSandbox { _, api in
                let hook = podWebhook("inject.regcred.dev", url: webhook.baseURL, caBundle: webhook.caBundle,
                                      extra: ["sideEffects": "NoneOnDryRun"])
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
                let answered = try await api.post("\(Self.pods)?dryRun=All", pod("web"))
                #expect(answered.status == 201)
                #expect(answered.body["spec"]?["imagePullSecrets"] == json(#"[{"name":"regcred-ghcr"}]"#))
                let request = try #require(webhook.received.first?.request)
                #expect(request["dryRun"] == .bool(true))
                #expect(request["options"]?["dryRun"] == .array(["All"]))
                #expect(try await api.get("\(Self.pods)/web").status == 404)
            }
        }
    }

    @Test func webhookWarningsReachTheClientAsWarningHeaders() async throws {
        try await StandInWebhook.with(answer: { review in
            .body(.object(["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": .object([
                "uid": review["request"]?["uid"] ?? .null, "allowed": .bool(true),
                "warnings": .array([#"image "ghcr.io/acme/app:1" has no pull secret"#]),
            ])]))
        }) { webhook in
            try await withSandbox { _, api in
                let hook = podWebhook("inject.regcred.dev", url: webhook.baseURL, caBundle: webhook.caBundle)
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
                let created = try await api.post(Self.pods, pod("web"))
                #expect(created.status == 201)
                #expect(created.headers["Warning"] == [#"299 - "image \"ghcr.io/acme/app:1\" has no pull secret""#])
            }
        }
    }

    @Test func onlyPodCreationIsReviewed() async throws {
        try await StandInWebhook.with(answer: { _ in .allow }) { webhook in
            try await withSandbox { _, api in
                var hook = podWebhook("inject.regcred.dev", url: webhook.baseURL, caBundle: webhook.caBundle)
                hook["rules"] = json(#"[{"operations":["*"],"apiGroups":["*"],"apiVersions":["*"],"resources":["*"]}]"#)
                _ = try await api.post(mutatingWebhookConfigurations, mutatingWebhookConfiguration("regcred", hooks: [hook]))
                #expect(try await api.post("/api/v1/namespaces/default/secrets", secret("s")).status == 201)
                #expect(try await api.post(Self.pods, pod("web")).status == 201)
                #expect(webhook.received.map { $0.request["resource"]?["resource"] } == ["pods"])
            }
        }
    }
}
