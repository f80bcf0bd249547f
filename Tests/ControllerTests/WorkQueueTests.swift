import Testing

@testable import Controller

@Suite("WorkQueue")
struct WorkQueueTests {
    @Test("a key added twice while waiting is handed out once")
    func deduplicates() async {
        let queue = WorkQueue<String>()
        await queue.add("a")
        await queue.add("b")
        await queue.add("a")
        #expect(await queue.depth == 2)
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
        #expect(await queue.depth == 0)
    }

    @Test("a key added while being processed is not handed to a second worker, and comes back after done")
    func neverConcurrent() async {
        let queue = WorkQueue<String>()
        await queue.add("a")
        let first = await queue.next()
        await queue.add("a")
        #expect(await queue.depth == 0)
        await queue.done("a")
        #expect(await queue.depth == 1)
        #expect(first == "a")
        #expect(await queue.next() == "a")
    }

    @Test("a waiting worker gets a key as soon as it is added")
    func wakesWaiter() async {
        let queue = WorkQueue<Int>()
        async let received = queue.next()
        try? await Task.sleep(for: .milliseconds(20))
        await queue.add(7)
        #expect(await received == 7)
    }

    @Test("shutting down releases waiting workers with nil")
    func shutDownReleases() async {
        let queue = WorkQueue<Int>()
        async let received = queue.next()
        try? await Task.sleep(for: .milliseconds(20))
        await queue.shutDown()
        #expect(await received == nil)
    }

    @Test("a failed key comes back after its backoff, and forget resets the count")
    func failureBackoff() async {
        let queue = WorkQueue<String>(backoff: ItemBackoff(base: .milliseconds(1), cap: .milliseconds(5)))
        await queue.addAfterFailure("a")
        await queue.addAfterFailure("a")
        #expect(await queue.failureCount("a") == 2)
        #expect(await queue.next() == "a")
        await queue.done("a")
        await queue.forget("a")
        #expect(await queue.failureCount("a") == 0)
    }

    @Test("backoff doubles per failure up to the cap", arguments: [
        (0, Duration.milliseconds(100)), (1, .milliseconds(200)), (3, .milliseconds(800)), (20, .seconds(300)), (63, .seconds(300)),
    ])
    func backoffDelays(failures: Int, expected: Duration) {
        #expect(ItemBackoff().delay(afterFailures: failures) == expected)
    }
}
