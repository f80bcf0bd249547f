// Watch semantics: event stream from a resourceVersion, bookmarks, 410 as an ERROR event,
// selectors (leaving one is DELETED), timeoutSeconds.
import KubeSandbox
import RegcredCore
import Testing

@Suite struct WatchTests {
    let secrets = "/api/v1/namespaces/default/secrets"

    @Test func watchStreamsAddedModifiedAndDeletedInOrder() async throws {
        try await withSandbox { _, api in
            let listRV = try await api.get(secrets).resourceVersion
            let watch = try await api.watch("\(secrets)?watch=1&resourceVersion=\(listRV)")
            #expect(watch.status == 200)
            let created = try await api.post(secrets, secret("w")).body
            var changed = created
            changed["data"] = json(#"{"k":"eA=="}"#)
            _ = try await api.put("\(secrets)/w", changed)
            _ = try await api.delete("\(secrets)/w")
            let added = await watch.next()
            let modified = await watch.next()
            let deleted = await watch.next()
            #expect(added?["type"]?.stringValue == "ADDED")
            #expect(modified?["type"]?.stringValue == "MODIFIED")
            #expect(deleted?["type"]?.stringValue == "DELETED")
            #expect(deleted?["object"]?.name == "w")
            let versions = [added, modified, deleted].map { $0?["object"]?.resourceVersion ?? -1 }
            #expect(versions == versions.sorted() && Set(versions).count == 3)
            watch.close()
        }
    }

    @Test func watchResumesAfterTheGivenResourceVersion() async throws {
        try await withSandbox { _, api in
            let first = try await api.post(secrets, secret("one")).body
            _ = try await api.post(secrets, secret("two"))
            let watch = try await api.watch("\(secrets)?watch=true&resourceVersion=\(first.resourceVersion)")
            let event = await watch.next()
            #expect(event?["type"]?.stringValue == "ADDED")
            #expect(event?["object"]?.name == "two")
            watch.close()
        }
    }

    @Test func watchWithoutResourceVersionStartsWithSyntheticAdds() async throws {
        try await withSandbox { _, api in
            _ = try await api.post(secrets, secret("existing"))
            let watch = try await api.watch("\(secrets)?watch=1")
            let event = await watch.next()
            #expect(event?["type"]?.stringValue == "ADDED")
            #expect(event?["object"]?.name == "existing")
            #expect(event?["object"]?["kind"]?.stringValue == "Secret")
            watch.close()
        }
    }

    @Test func watchFromTooOldResourceVersionGetsGoneAsErrorEvent() async throws {
        var options = KubeSandbox.Options()
        options.watchHistoryWindow = 2
        try await withSandbox(options) { _, api in
            let first = try await api.post(secrets, secret("s0")).body
            for index in 1..<5 { _ = try await api.post(secrets, secret("s\(index)")) }
            let watch = try await api.watch("\(secrets)?watch=1&resourceVersion=\(first.resourceVersion)")
            #expect(watch.status == 200)
            let event = await watch.next()
            #expect(event?["type"]?.stringValue == "ERROR")
            #expect(event?["object"]?["code"]?.integerValue == 410)
            #expect(event?["object"]?["reason"]?.stringValue == "Expired")
            #expect(event?["object"]?["message"]?.stringValue?.hasPrefix("too old resource version: \(first.resourceVersion) (") == true)
            #expect(await watch.waitForEnd())
        }
    }

    @Test func bookmarksArriveWhenAllowed() async throws {
        var options = KubeSandbox.Options()
        options.bookmarkInterval = .milliseconds(50)
        try await withSandbox(options) { _, api in
            let rv = try await api.get(secrets).resourceVersion
            let watch = try await api.watch("\(secrets)?watch=1&resourceVersion=\(rv)&allowWatchBookmarks=true")
            let bookmark = await watch.next(ofType: "BOOKMARK")
            #expect(bookmark?["object"]?["kind"]?.stringValue == "Secret")
            #expect((bookmark?["object"]?.resourceVersion ?? -1) >= rv)
            watch.close()
        }
    }

    @Test func objectLeavingTheLabelSelectorArrivesAsDeleted() async throws {
        try await withSandbox { _, api in
            let created = try await api.post(secrets, secret("l", labels: ["app": "web"])).body
            let watch = try await api.watch("\(secrets)?watch=1&labelSelector=app%3Dweb&resourceVersion=\(created.resourceVersion)")
            let moved = try await api.patch("\(secrets)/l", json(#"{"metadata":{"labels":{"app":"db"}}}"#), type: "application/merge-patch+json").body
            let event = await watch.next()
            #expect(event?["type"]?.stringValue == "DELETED")
            // The previous content (still matching), at the resourceVersion of the change.
            #expect(event?["object"]?["metadata"]?["labels"]?["app"]?.stringValue == "web")
            #expect(event?["object"]?.resourceVersion == moved.resourceVersion)
            _ = try await api.patch("\(secrets)/l", json(#"{"metadata":{"labels":{"app":"web"}}}"#), type: "application/merge-patch+json")
            #expect(await watch.next()?["type"]?.stringValue == "ADDED")
            watch.close()
        }
    }

    @Test func timeoutSecondsEndsTheStream() async throws {
        try await withSandbox { _, api in
            let watch = try await api.watch("\(secrets)?watch=1&timeoutSeconds=1")
            #expect(await watch.waitForEnd(timeout: .seconds(15)))
        }
    }

    @Test func watchOnASingleNameSeesOnlyThatObject() async throws {
        try await withSandbox { _, api in
            let rv = try await api.get(secrets).resourceVersion
            let watch = try await api.watch("\(secrets)?watch=1&fieldSelector=metadata.name%3Dme&resourceVersion=\(rv)")
            _ = try await api.post(secrets, secret("other"))
            _ = try await api.post(secrets, secret("me"))
            #expect(await watch.next()?["object"]?.name == "me")
            watch.close()
        }
    }
}
