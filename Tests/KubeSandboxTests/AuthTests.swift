// Authentication (bearer tokens) and the RBAC model: real 401/403 bodies, resourceNames rules.
import KubeSandbox
import RegcredCore
import Testing

@Suite struct AuthTests {
    static let reader = SandboxUser(name: "reader", token: "reader-token", rules: [
        PolicyRule(verbs: ["get", "list", "watch"], resources: ["secrets"], namespaces: ["app"]),
    ])
    static let pinned = SandboxUser(name: "pinned", token: "pinned-token", rules: [
        PolicyRule(verbs: ["get", "list", "watch", "create", "update"], resources: ["secrets"], resourceNames: ["regcred-ghcr"]),
    ])
    static let statusWriter = SandboxUser(name: "controller", token: "controller-token", rules: [
        PolicyRule(verbs: ["get", "update", "patch"], apiGroups: ["regcred.dev"], resources: ["clusterpullsecrets/status"]),
    ])

    var options: KubeSandbox.Options {
        var options = KubeSandbox.Options()
        options.users = [.admin, Self.reader, Self.pinned, Self.statusWriter]
        return options
    }

    @Test func missingOrUnknownTokenIsUnauthorized() async throws {
        try await withSandbox(options) { sandbox, _ in
            for token in [nil, "wrong"] as [String?] {
                let response = try await SandboxClient(sandbox, token: token).get("/api/v1/namespaces")
                #expect(response.status == 401)
                #expect(response.body == json(#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#))
            }
        }
    }

    @Test func forbiddenNamesUserVerbResourceGroupAndNamespace() async throws {
        try await withSandbox(options) { sandbox, _ in
            let reader = SandboxClient(sandbox, token: Self.reader.token)
            let response = try await reader.get("/api/v1/namespaces/default/secrets/x")
            #expect(response.status == 403)
            #expect(response.reason == "Forbidden")
            #expect(response.message == #"secrets "x" is forbidden: User "reader" cannot get resource "secrets" in API group "" in the namespace "default""#)
            let list = try await reader.get("/api/v1/secrets")
            #expect(list.message == #"secrets is forbidden: User "reader" cannot list resource "secrets" in API group "" at the cluster scope"#)
            #expect(try await reader.get("/api/v1/namespaces/app/secrets").status == 200)
        }
    }

    @Test func listWithResourceNamesNeedsAMatchingNameFieldSelector() async throws {
        try await withSandbox(options) { (sandbox: KubeSandbox, _: SandboxClient) async throws in
            let pinned = SandboxClient(sandbox, token: Self.pinned.token)
            #expect(try await pinned.get("/api/v1/namespaces/default/secrets").status == 403)
            #expect(try await pinned.get("/api/v1/namespaces/default/secrets?fieldSelector=metadata.name%3Dregcred-ghcr").status == 200)
            #expect(try await pinned.get("/api/v1/namespaces/default/secrets?fieldSelector=metadata.name%3Dother").status == 403)
            #expect(try await pinned.get("/api/v1/namespaces/default/secrets/regcred-ghcr").status == 404)
        }
    }

    @Test func allNamespacesListAndWatchPinnedByNameWorkWithALabelSelectorToo() async throws {
        try await withSandbox(options) { (sandbox: KubeSandbox, admin: SandboxClient) async throws in
            _ = try await admin.post("/api/v1/namespaces", json(#"{"metadata":{"name":"app"}}"#))
            var labelled = secret("regcred-ghcr")
            labelled["metadata"]?["labels"] = json(#"{"app.kubernetes.io/managed-by":"regcred"}"#)
            #expect(try await admin.post("/api/v1/namespaces/app/secrets", labelled).status == 201)
            let pinned = SandboxClient(sandbox, token: Self.pinned.token)
            let query = "fieldSelector=metadata.name%3Dregcred-ghcr&labelSelector=app.kubernetes.io%2Fmanaged-by%3Dregcred"
            let list = try await pinned.get("/api/v1/secrets?\(query)")
            #expect(list.status == 200)
            #expect(list.body["items"]?.arrayValue?.count == 1)
            #expect(try await pinned.get("/api/v1/secrets?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dregcred").status == 403)
        }
    }

    @Test func serviceAccountTokensAreAuthorizedByTheStoredRBACObjects() async throws {
        try await withSandbox { (sandbox: KubeSandbox, admin: SandboxClient) async throws in
            for namespace in ["ctl", "app"] {
                _ = try await admin.post("/api/v1/namespaces", json(#"{"metadata":{"name":"\#(namespace)"}}"#))
            }
            _ = try await admin.post("/api/v1/namespaces/ctl/serviceaccounts", json(#"{"metadata":{"name":"bot"}}"#))
            let issued = try await admin.post("/api/v1/namespaces/ctl/serviceaccounts/bot/token", json(#"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}}"#))
            #expect(issued.status == 201)
            #expect(issued.body["kind"]?.stringValue == "TokenRequest")
            let token = try #require(issued.body["status"]?["token"]?.stringValue)
            let bot = SandboxClient(sandbox, token: token)
            let denied = try await bot.get("/api/v1/namespaces/app/secrets")
            #expect(denied.status == 403)
            #expect(denied.message == #"secrets is forbidden: User "system:serviceaccount:ctl:bot" cannot list resource "secrets" in API group "" in the namespace "app""#)

            // A RoleBinding grants its rules in its own namespace only.
            _ = try await admin.post("/apis/rbac.authorization.k8s.io/v1/namespaces/ctl/roles", json(#"{"metadata":{"name":"read"},"rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["list"]}]}"#))
            _ = try await admin.post("/apis/rbac.authorization.k8s.io/v1/namespaces/ctl/rolebindings", json(#"{"metadata":{"name":"read"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"read"},"subjects":[{"kind":"ServiceAccount","name":"bot","namespace":"ctl"}]}"#))
            #expect(try await bot.get("/api/v1/namespaces/ctl/secrets").status == 200)
            #expect(try await bot.get("/api/v1/namespaces/app/secrets").status == 403)

            // A ClusterRoleBinding grants everywhere; resourceNames still pin the name.
            _ = try await admin.post("/apis/rbac.authorization.k8s.io/v1/clusterroles", json(#"{"metadata":{"name":"pull"},"rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["list","watch"],"resourceNames":["regcred-ghcr"]}]}"#))
            _ = try await admin.post("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", json(#"{"metadata":{"name":"pull"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"pull"},"subjects":[{"kind":"ServiceAccount","name":"bot","namespace":"ctl"}]}"#))
            #expect(try await bot.get("/api/v1/secrets?fieldSelector=metadata.name%3Dregcred-ghcr").status == 200)
            #expect(try await bot.get("/api/v1/secrets").status == 403)
            #expect(try await bot.get("/api/v1/namespaces/app/secrets/other").status == 403)

            // A deleted service account's token no longer authenticates.
            _ = try await admin.delete("/api/v1/namespaces/ctl/serviceaccounts/bot")
            #expect(try await bot.get("/api/v1/namespaces/ctl/secrets").status == 401)
        }
    }

    @Test func resourceNamesNeverGrantCreate() async throws {
        try await withSandbox(options) { sandbox, _ in
            let pinned = SandboxClient(sandbox, token: Self.pinned.token)
            let response = try await pinned.post("/api/v1/namespaces/default/secrets", secret("regcred-ghcr"))
            #expect(response.status == 403)
            #expect(response.message == #"secrets is forbidden: User "pinned" cannot create resource "secrets" in API group "" in the namespace "default""#)
        }
    }

    @Test func statusSubresourceRuleDoesNotCoverTheMainResource() async throws {
        try await withSandbox(options) { sandbox, admin in
            let path = "/apis/regcred.dev/v1alpha1/clusterpullsecrets"
            let created = try await admin.post(path, clusterPullSecret("c")).body
            let controller = SandboxClient(sandbox, token: Self.statusWriter.token)
            var status = created
            status["status"] = json(#"{"observedGeneration":1}"#)
            #expect(try await controller.put("\(path)/c/status", status).status == 200)
            let main = try await controller.get("\(path)/c")
            #expect(main.status == 403)
            #expect(main.message == #"clusterpullsecrets.regcred.dev "c" is forbidden: User "controller" cannot get resource "clusterpullsecrets" in API group "regcred.dev" at the cluster scope"#)
        }
    }
}
