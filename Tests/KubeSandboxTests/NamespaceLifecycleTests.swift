// Namespace lifecycle: default ServiceAccount creation, Terminating, content removal, and the
// errors for objects in missing or terminating namespaces.
import KubeSandbox
import RegcredCore
import Testing

@Suite struct NamespaceLifecycleTests {
    @Test func defaultServiceAccountAppearsShortlyAfterTheNamespace() async throws {
        try await withSandbox { _, api in
            _ = try await api.post("/api/v1/namespaces", namespace("team"))
            var found = false
            for _ in 0..<200 where !found {
                found = try await api.get("/api/v1/namespaces/team/serviceaccounts/default").status == 200
                if !found { try await Task.sleep(for: .milliseconds(25)) }
            }
            #expect(found)
        }
    }

    @Test func noDefaultServiceAccountWithoutControllerManager() async throws {
        var options = KubeSandbox.Options()
        options.defaultServiceAccountDelay = nil
        try await withSandbox(options) { _, api in
            _ = try await api.post("/api/v1/namespaces", namespace("team"))
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await api.get("/api/v1/namespaces/team/serviceaccounts/default").status == 404)
        }
    }

    @Test func newNamespaceIsActiveWithItsNameLabel() async throws {
        try await withSandbox { _, api in
            let created = try await api.post("/api/v1/namespaces", namespace("team")).body
            #expect(created["status"]?["phase"]?.stringValue == "Active")
            #expect(created["metadata"]?["labels"]?["kubernetes.io/metadata.name"]?.stringValue == "team")
        }
    }

    @Test func deletingANamespaceTerminatesThenRemovesContentAndNamespace() async throws {
        try await withSandbox { _, api in
            _ = try await api.post("/api/v1/namespaces", namespace("gone"))
            _ = try await api.post("/api/v1/namespaces/gone/secrets", secret("s"))
            let deleting = try await api.delete("/api/v1/namespaces/gone")
            #expect(deleting.status == 200)
            #expect(deleting.body["status"]?["phase"]?.stringValue == "Terminating")
            #expect(deleting.body["metadata"]?["deletionTimestamp"] != nil)
            var removed = false
            for _ in 0..<400 where !removed {
                removed = try await api.get("/api/v1/namespaces/gone").status == 404
                if !removed { try await Task.sleep(for: .milliseconds(25)) }
            }
            #expect(removed)
            #expect(try await api.get("/api/v1/namespaces/gone/secrets/s").status == 404)
        }
    }

    @Test func creatingInATerminatingNamespaceIsForbidden() async throws {
        try await withSandbox { _, api in
            _ = try await api.post("/api/v1/namespaces", namespace("ending"))
            var held = secret("held")
            held["metadata"]?["finalizers"] = json(#"["example.com/keep"]"#)
            _ = try await api.post("/api/v1/namespaces/ending/secrets", held)
            _ = try await api.delete("/api/v1/namespaces/ending")
            let response = try await api.post("/api/v1/namespaces/ending/secrets", secret("late"))
            #expect(response.status == 403)
            #expect(response.reason == "Forbidden")
            #expect(response.message == #"secrets "late" is forbidden: unable to create new content in namespace ending because it is being terminated"#)
            #expect(response.body["details"]?["causes"]?.arrayValue?.first?["reason"]?.stringValue == "NamespaceTerminating")
            // The finalizer holds the namespace in Terminating until it is cleared.
            try await Task.sleep(for: .milliseconds(150))
            #expect(try await api.get("/api/v1/namespaces/ending").body["status"]?["phase"]?.stringValue == "Terminating")
        }
    }

    @Test(arguments: ["default", "kube-system", "kube-public"])
    func systemNamespacesMayNotBeDeleted(name: String) async throws {
        try await withSandbox { _, api in
            let response = try await api.delete("/api/v1/namespaces/\(name)")
            #expect(response.status == 403)
            #expect(response.message == "namespaces \"\(name)\" is forbidden: this namespace may not be deleted")
        }
    }

    @Test func creatingInAMissingNamespaceIsNotFound() async throws {
        try await withSandbox { _, api in
            let response = try await api.post("/api/v1/namespaces/nowhere/secrets", secret("s"))
            #expect(response.status == 404)
            #expect(response.message == #"namespaces "nowhere" not found"#)
        }
    }
}
