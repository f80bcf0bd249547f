// List semantics: label and field selectors, pagination with continue tokens, expiry.
import Foundation
import KubeSandbox
import RegcredCore
import Testing

@Suite struct ListTests {
    let secrets = "/api/v1/namespaces/default/secrets"

    func seed(_ api: SandboxClient) async throws {
        _ = try await api.post(secrets, secret("a", labels: ["app": "web", "tier": "front"]))
        _ = try await api.post(secrets, secret("b", labels: ["app": "db"]))
        _ = try await api.post(secrets, secret("c"))
        _ = try await api.post(secrets, secret("d", type: "kubernetes.io/dockerconfigjson", data: [".dockerconfigjson": dockerConfigJSON]))
    }

    @Test(arguments: [
        ("app=web", ["a"]), ("app==web", ["a"]), ("app!=web", ["b", "c", "d"]),
        ("app in (web,db)", ["a", "b"]), ("app notin (web)", ["b", "c", "d"]),
        ("app", ["a", "b"]), ("!app", ["c", "d"]), ("app,tier=front", ["a"]),
    ])
    func labelSelectorsFilterLists(selector: String, expected: [String]) async throws {
        try await withSandbox { _, api in
            try await seed(api)
            let encoded = selector.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? selector
            let list = try await api.get("\(secrets)?labelSelector=\(encoded)")
            #expect(list.status == 200)
            #expect(list.body.itemNames == expected)
        }
    }

    @Test func fieldSelectorsOnNameNamespaceAndSecretType() async throws {
        try await withSandbox { _, api in
            try await seed(api)
            #expect(try await api.get("\(secrets)?fieldSelector=metadata.name%3Db").body.itemNames == ["b"])
            #expect(try await api.get("\(secrets)?fieldSelector=type%3Dkubernetes.io/dockerconfigjson").body.itemNames == ["d"])
            #expect(try await api.get("\(secrets)?fieldSelector=type!%3DOpaque").body.itemNames == ["d"])
            #expect(try await api.get("/api/v1/secrets?fieldSelector=metadata.namespace%3Ddefault").body.itemNames == ["a", "b", "c", "d"])
        }
    }

    @Test func unsupportedFieldSelectorIsBadRequest() async throws {
        try await withSandbox { _, api in
            let response = try await api.get("\(secrets)?fieldSelector=data.k%3Dx")
            #expect(response.status == 400)
            #expect(response.reason == "BadRequest")
            #expect(response.message == "field label not supported: data.k")
        }
    }

    @Test func listItemsOfBuiltInKindsOmitKindButCustomResourcesKeepIt() async throws {
        try await withSandbox { _, api in
            try await seed(api)
            let list = try await api.get(secrets).body
            #expect(list["kind"]?.stringValue == "SecretList")
            #expect(list.items.first?["kind"] == nil)
            _ = try await api.post("/apis/regcred.dev/v1alpha1/clusterpullsecrets", clusterPullSecret("c"))
            let custom = try await api.get("/apis/regcred.dev/v1alpha1/clusterpullsecrets").body
            #expect(custom["kind"]?.stringValue == "ClusterPullSecretList")
            #expect(custom.items.first?["kind"]?.stringValue == "ClusterPullSecret")
        }
    }

    @Test func paginationWalksAllItemsWithContinueTokens() async throws {
        try await withSandbox { _, api in
            for index in 0..<7 { _ = try await api.post(secrets, secret("s\(index)")) }
            var names: [String] = []
            var token = ""
            var pages = 0
            var firstRemaining: Int64?
            repeat {
                let page = try await api.get("\(secrets)?limit=3" + (token.isEmpty ? "" : "&continue=\(token)")).body
                names += page.itemNames
                if pages == 0 { firstRemaining = page["metadata"]?["remainingItemCount"]?.integerValue }
                token = page["metadata"]?["continue"]?.stringValue?.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                pages += 1
            } while !token.isEmpty && pages < 10
            #expect(names == (0..<7).map { "s\($0)" })
            #expect(pages == 3)
            #expect(firstRemaining == 4)
        }
    }

    @Test func continueTokenOlderThanTheWindowIsGone() async throws {
        var options = KubeSandbox.Options()
        options.watchHistoryWindow = 2
        try await withSandbox(options) { _, api in
            for index in 0..<3 { _ = try await api.post(secrets, secret("s\(index)")) }
            let first = try await api.get("\(secrets)?limit=1").body
            let token = first["metadata"]?["continue"]?.stringValue ?? ""
            for index in 3..<6 { _ = try await api.post(secrets, secret("s\(index)")) }
            let response = try await api.get("\(secrets)?limit=1&continue=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
            #expect(response.status == 410)
            #expect(response.reason == "Expired")
            #expect(response.message.hasPrefix("The provided continue parameter is too old to display a consistent list result."))
        }
    }

    @Test func deleteCollectionRemovesOnlySelectedObjects() async throws {
        try await withSandbox { _, api in
            try await seed(api)
            let response = try await api.delete("\(secrets)?labelSelector=app")
            #expect(response.status == 200)
            #expect(response.body["kind"]?.stringValue == "SecretList")
            #expect(try await api.get(secrets).body.itemNames == ["c", "d"])
        }
    }
}
