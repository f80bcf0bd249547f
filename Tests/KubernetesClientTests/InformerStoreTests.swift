// The informer's cache as a pure value: events and relists in, notifications out.
import Testing
@testable import KubernetesClient

@Suite struct InformerStoreTests {
    static func secret(_ name: String, rv: String, namespace: String = "n") -> Secret {
        var secret = Secret(metadata: ObjectMeta(name: name, namespace: namespace))
        secret.metadata.resourceVersion = rv
        secret.metadata.uid = "uid-\(namespace)-\(name)"
        return secret
    }

    static func describe(_ notifications: [InformerNotification<Secret>]) -> [String] {
        notifications.map {
            switch $0 {
            case .added(let s): "add \(ObjectKey(s))@\(s.resourceVersion!)"
            case .updated(let old, let new): "update \(ObjectKey(new))@\(old.resourceVersion!)->\(new.resourceVersion!)"
            case .deleted(let s, let unknown): "delete \(ObjectKey(s))@\(s.resourceVersion!)\(unknown ? " (inferred)" : "")"
            }
        }
    }

    @Test func firstListAddsEverything() {
        var store = InformerStore<Secret>()
        let notes = store.replace(with: [Self.secret("b", rv: "2"), Self.secret("a", rv: "1")])
        #expect(Self.describe(notes) == ["add n/b@2", "add n/a@1"])
        #expect(store.sortedObjects.map(\.name) == ["a", "b"])
    }

    @Test func relistSynthesisesDeletesForVanishedObjectsAndUpdatesForChanged() {
        var store = InformerStore<Secret>()
        _ = store.replace(with: [Self.secret("a", rv: "1"), Self.secret("b", rv: "2"), Self.secret("c", rv: "3")])
        let notes = store.replace(with: [Self.secret("a", rv: "1"), Self.secret("b", rv: "7"), Self.secret("d", rv: "8")])
        #expect(Self.describe(notes) == ["update n/b@2->7", "add n/d@8", "delete n/c@3 (inferred)"])
        #expect(store.count == 3)
    }

    @Test func relistKeepsTheCachedValueOfAnUnchangedObjectAndTakesTheListedOneOfAChangedObject() {
        var store = InformerStore<Secret>()
        var cached = Self.secret("a", rv: "1")
        cached.metadata.labels = ["copy": "cached"]
        var changed = Self.secret("b", rv: "2")
        changed.metadata.labels = ["copy": "cached"]
        _ = store.replace(with: [cached, changed])
        var listedA = Self.secret("a", rv: "1")
        listedA.metadata.labels = ["copy": "listed"]
        var listedB = Self.secret("b", rv: "3")
        listedB.metadata.labels = ["copy": "listed"]
        #expect(Self.describe(store.replace(with: [listedA, listedB])) == ["update n/b@2->3"])
        #expect(store.sortedObjects.map { $0.metadata.labels["copy"] } == ["cached", "listed"])
    }

    @Test func aRelistPageByPageNotifiesAsAWholeReplaceAndDeletesOnlyAtTheEnd() {
        let before = [Self.secret("a", rv: "1"), Self.secret("b", rv: "2"), Self.secret("c", rv: "3")]
        let after = [Self.secret("a", rv: "1"), Self.secret("b", rv: "7"), Self.secret("d", rv: "8")]
        var whole = InformerStore<Secret>()
        _ = whole.replace(with: before)
        var paged = InformerStore<Secret>()
        _ = paged.replace(with: before)
        var listed = Set<ObjectKey>()
        let first = paged.apply(listedPage: Array(after[..<2]), into: &listed)
        #expect(Self.describe(first) == ["update n/b@2->7"])
        #expect(paged.count == 3, "nothing is deleted before the last page")
        let second = paged.apply(listedPage: Array(after[2...]), into: &listed)
        let end = paged.removeUnlisted(listed)
        #expect(Self.describe(first + second + end) == Self.describe(whole.replace(with: after)))
        #expect(paged.sortedObjects.map(\.name) == whole.sortedObjects.map(\.name))
    }

    @Test func watchEventsKeepTheCacheCurrent() {
        var store = InformerStore<Secret>()
        var notes: [InformerNotification<Secret>] = []
        for event in [WatchEvent.added(Self.secret("a", rv: "1")), .modified(Self.secret("a", rv: "2")), .bookmark(resourceVersion: "3"), .deleted(Self.secret("a", rv: "4"))] {
            if let note = store.apply(event) { notes.append(note) }
        }
        #expect(Self.describe(notes) == ["add n/a@1", "update n/a@1->2", "delete n/a@4"])
        #expect(store.count == 0)
    }

    @Test func replayedAddsBecomeUpdatesAndUnknownModifiesBecomeAdds() {
        var store = InformerStore<Secret>()
        _ = store.apply(.added(Self.secret("a", rv: "1")))
        #expect(Self.describe([store.apply(.added(Self.secret("a", rv: "2")))!]) == ["update n/a@1->2"])
        #expect(Self.describe([store.apply(.modified(Self.secret("z", rv: "3")))!]) == ["add n/z@3"])
    }

    @Test func keysSeparateNamespaces() {
        var store = InformerStore<Secret>()
        _ = store.replace(with: [Self.secret("a", rv: "1", namespace: "x"), Self.secret("a", rv: "2", namespace: "y")])
        #expect(store[ObjectKey(namespace: "x", name: "a")]?.resourceVersion == "1")
        #expect(store[ObjectKey(namespace: "y", name: "a")]?.resourceVersion == "2")
        #expect(ObjectKey(namespace: nil, name: "kube-system").description == "kube-system")
    }
}
