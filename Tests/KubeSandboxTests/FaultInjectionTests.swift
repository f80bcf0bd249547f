// Fault injection and server control: injected failures, dropped watches, forced 410,
// stop/restart with state, request counters.
import KubeSandbox
import RegcredCore
import Testing

@Suite struct FaultInjectionTests {
    let secrets = "/api/v1/namespaces/default/secrets"

    @Test func failNextAnswers429WithRetryAfterThenRecovers() async throws {
        try await withSandbox { sandbox, api in
            sandbox.faults.failNext(2, verb: "list", resource: "secrets", status: 429, retryAfterSeconds: 3)
            let first = try await api.get(secrets)
            #expect(first.status == 429)
            #expect(first.headers.first(name: "Retry-After") == "3")
            #expect(first.reason == "TooManyRequests")
            #expect(try await api.get("/api/v1/namespaces").status == 200)
            #expect(try await api.get(secrets).status == 429)
            #expect(try await api.get(secrets).status == 200)
        }
    }

    @Test(arguments: [500, 503, 409])
    func failNextAnswersTheRequestedCodeWithoutSideEffects(code: Int) async throws {
        try await withSandbox { sandbox, api in
            sandbox.faults.failNext(1, verb: "create", resource: "secrets", namespace: "default", status: code)
            let response = try await api.post(secrets, secret("x"))
            #expect(response.status == code)
            #expect(response.body["kind"]?.stringValue == "Status")
            #expect(try await api.get("\(secrets)/x").status == 404)
        }
    }

    @Test func dropWatchesEndsOpenStreams() async throws {
        try await withSandbox { sandbox, api in
            let watch = try await api.watch("\(secrets)?watch=1")
            await sandbox.faults.dropWatches()
            #expect(await watch.waitForEnd())
        }
    }

    @Test func forceGoneOnNextWatchSendsExpiredOnce() async throws {
        try await withSandbox { sandbox, api in
            let rv = try await api.get(secrets).resourceVersion
            await sandbox.faults.forceGoneOnNextWatch()
            let gone = try await api.watch("\(secrets)?watch=1&resourceVersion=\(rv)")
            #expect(await gone.next()?["object"]?["code"]?.integerValue == 410)
            let fine = try await api.watch("\(secrets)?watch=1&resourceVersion=\(rv)")
            _ = try await api.post(secrets, secret("after"))
            #expect(await fine.next()?["type"]?.stringValue == "ADDED")
            fine.close()
        }
    }

    @Test func forceRelistsEndsWatchesAndExpiresEveryEarlierVersion() async throws {
        try await withSandbox { sandbox, api in
            let before = try await api.post(secrets, secret("a")).resourceVersion
            let current = try await api.post(secrets, secret("b")).resourceVersion
            let open = try await api.watch("\(secrets)?watch=1&resourceVersion=\(current)")
            await sandbox.faults.forceRelists()
            #expect(await open.waitForEnd())
            // Every resume from an earlier version is Gone, every time, until the client relists.
            for _ in 0..<2 {
                let gone = try await api.watch("\(secrets)?watch=1&resourceVersion=\(before)")
                #expect(await gone.next()?["object"]?["code"]?.integerValue == 410)
            }
            let relisted = try await api.get(secrets).resourceVersion
            let resumed = try await api.watch("\(secrets)?watch=1&resourceVersion=\(relisted)")
            _ = try await api.post(secrets, secret("c"))
            #expect(await resumed.next()?["object"]?["metadata"]?["name"]?.stringValue == "c")
            resumed.close()
        }
    }

    @Test func restartKeepsPortAndObjects() async throws {
        try await withSandbox { sandbox, api in
            let created = try await api.post(secrets, secret("kept")).body
            let url = sandbox.url
            try await sandbox.stop()
            #expect((try? await api.get(secrets)) == nil)
            try await sandbox.restart()
            #expect(sandbox.url == url)
            let again = try await api.get("\(secrets)/kept")
            #expect(again.status == 200)
            #expect(again.resourceVersion == created.resourceVersion)
            #expect(try await api.post(secrets, secret("new")).resourceVersion > created.resourceVersion)
        }
    }

    @Test func requestCountersCountPerVerbAndResourceAndReset() async throws {
        try await withSandbox { sandbox, api in
            _ = try await api.post(secrets, secret("a"))
            _ = try await api.get("\(secrets)/a")
            _ = try await api.get("\(secrets)/a")
            _ = try await api.get(secrets)
            #expect(await sandbox.requestCount(verb: "get", resource: "secrets") == 2)
            #expect(await sandbox.requestCount(verb: "create", resource: "secrets") == 1)
            #expect(await sandbox.requestCount(verb: "list", resource: "secrets") == 1)
            await sandbox.resetRequestCounts()
            #expect(await sandbox.requestCount(verb: "get", resource: "secrets") == 0)
        }
    }

    @Test func latencyDelaysButDoesNotFailRequests() async throws {
        try await withSandbox { (sandbox: KubeSandbox, api: SandboxClient) async throws in
            sandbox.faults.addLatency(.milliseconds(20), verb: "get", resource: "secrets")
            #expect(try await api.get("\(secrets)/x").status == 404)
            sandbox.faults.clear()
        }
    }
}
