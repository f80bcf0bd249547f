import Testing

@testable import Controller

@Suite("WorkQueue")
struct WorkQueueTests {
    @Test("a key added twice while waiting is handed out once")
    func deduplicates() async {
        let queue = WorkQueue<String, PassScope>()
        await queue.add("a")
        await queue.add("b")
        await queue.add("a")
        #expect(await queue.depth == 2)
        #expect(await queue.next()?.key == "a")
        #expect(await queue.next()?.key == "b")
        #expect(await queue.depth == 0)
    }

    @Test("a key added while being processed is not handed to a second worker, and comes back after done")
    func neverConcurrent() async {
        let queue = WorkQueue<String, PassScope>()
        await queue.add("a")
        let first = await queue.next()?.key
        await queue.add("a")
        #expect(await queue.depth == 0)
        await queue.done("a")
        #expect(await queue.depth == 1)
        #expect(first == "a")
        #expect(await queue.next()?.key == "a")
    }

    @Test("a waiting worker gets a key as soon as it is added")
    func wakesWaiter() async {
        let queue = WorkQueue<Int, PassScope>()
        async let received = queue.next()?.key
        try? await Task.sleep(for: .milliseconds(20))
        await queue.add(7)
        #expect(await received == 7)
    }

    @Test("shutting down releases waiting workers with nil")
    func shutDownReleases() async {
        let queue = WorkQueue<Int, PassScope>()
        async let received = queue.next()?.key
        try? await Task.sleep(for: .milliseconds(20))
        await queue.shutDown()
        #expect(await received == nil)
    }

    @Test("a failed key comes back after its backoff, and forget resets the count")
    func failureBackoff() async {
        let queue = WorkQueue<String, PassScope>(backoff: ItemBackoff(base: .milliseconds(1), cap: .milliseconds(5)))
        await queue.addAfterFailure("a")
        await queue.addAfterFailure("a")
        #expect(await queue.failureCount("a") == 2)
        #expect(await queue.next()?.key == "a")
        await queue.done("a")
        await queue.forget("a")
        #expect(await queue.failureCount("a") == 0)
    }

    @Test("namespace scopes merge while the key waits; a bare add asks for everything")
    func scopesMerge() async {
        let queue = WorkQueue<String, PassScope>()
        await queue.add("a", scope: .namespace("x"))
        await queue.add("a", scope: .namespace("y"))
        let first = await queue.next()
        #expect(first?.key == "a")
        #expect(first?.scope == .namespaces(["x", "y"]))
        await queue.done("a")
        await queue.add("a", scope: .namespace("x"))
        await queue.add("a")
        #expect(await queue.next()?.scope == .allServingFirst(["x"]), "a full pass that serves x first")
    }

    @Test("a scope added while the key is processed comes back with it after done, and only then")
    func scopeAddedWhileProcessing() async {
        let queue = WorkQueue<String, PassScope>()
        await queue.add("a")
        #expect(await queue.next()?.scope == .all)
        await queue.add("a", scope: .namespace("late"))
        #expect(await queue.depth == 0)
        await queue.done("a")
        let again = await queue.next()
        #expect(again?.key == "a")
        #expect(again?.scope == .namespaces(["late"]))
    }

    @Test("a delayed add joins the pending scope only when it is due, so an earlier pass does not use it up")
    func delayedScopeArrivesLate() async throws {
        let queue = WorkQueue<String, PassScope>()
        await queue.add("a", after: .milliseconds(200))
        await queue.add("a", scope: .namespace("now"))
        #expect(await queue.next()?.scope == .namespaces(["now"]))
        await queue.done("a")
        let later = await queue.next()
        #expect(later?.key == "a")
        #expect(later?.scope == .all)
    }

    @Test("repeated delayed adds of one key and scope are one entry, at the earliest time; other scopes keep their own time")
    func delayedAddsMerge() async throws {
        let queue = WorkQueue<String, PassScope>()
        for _ in 0..<100 { await queue.add("a", scope: .namespace("x"), after: .seconds(60)) }
        await queue.add("a", scope: .namespace("x"), after: .milliseconds(50))
        await queue.add("a", scope: .namespace("y"), after: .seconds(60))
        #expect(await queue.delayedCount == 2)
        let due = await queue.next()
        #expect(due?.key == "a")
        #expect(due?.scope == .namespaces(["x"]), "the earliest time wins; y keeps its own")
        #expect(await queue.delayedCount == 1)
    }

    @Test("shutting down drops delayed adds and their timer")
    func shutDownDropsDelayedAdds() async {
        let queue = WorkQueue<String, PassScope>()
        await queue.add("a", after: .seconds(300))
        #expect(await queue.delayedCount == 1)
        await queue.shutDown()
        #expect(await queue.delayedCount == 0)
        #expect(await queue.next() == nil)
    }

    @Test("a running full pass takes the namespaces asked first, except those that must wait; a full pass still due stays")
    func takingPrioritized() {
        let busy: (String) -> Bool = { $0 == "busy" }
        #expect(PassScope.namespaces(["new", "busy"]).takingPrioritized(except: busy) == (["new"], .namespaces(["busy"])))
        #expect(PassScope.namespaces(["new"]).takingPrioritized(except: busy) == (["new"], nil))
        #expect(PassScope.allServingFirst(["new"]).takingPrioritized(except: busy) == (["new"], .all))
        #expect(PassScope.all.takingPrioritized(except: busy) == ([], .all))
    }

    @Test("a failed pass comes back with its scope")
    func failureKeepsScope() async {
        let queue = WorkQueue<String, PassScope>(backoff: ItemBackoff(base: .milliseconds(1), cap: .milliseconds(5)))
        await queue.addAfterFailure("a", scope: .namespace("broken"))
        #expect(await queue.next()?.scope == .namespaces(["broken"]))
    }

    @Test("more namespaces than the limit become a full pass")
    func scopeLimit() {
        var scope = PassScope.namespace("ns-0")
        for index in 1...PassScope.namespaceLimit { scope = scope.merged(with: .namespace("ns-\(index)")) }
        #expect(scope == .all)
        #expect(PassScope.covering(["a", "b"]) == .namespaces(["a", "b"]))
        #expect(PassScope.covering((0...PassScope.namespaceLimit).map { "ns-\($0)" }) == .all)
        #expect(PassScope.namespace("a").merged(with: .all) == .allServingFirst(["a"]))
        #expect(PassScope.all.merged(with: .all) == .all)
        #expect(PassScope.allServingFirst(["a"]).merged(with: .namespace("b")) == .allServingFirst(["a", "b"]))
    }

    @Test("backoff doubles per failure up to the cap", arguments: [
        (0, Duration.milliseconds(100)), (1, .milliseconds(200)), (3, .milliseconds(800)), (20, .seconds(300)), (63, .seconds(300)),
    ])
    func backoffDelays(failures: Int, expected: Duration) {
        #expect(ItemBackoff().delay(afterFailures: failures) == expected)
    }
}
