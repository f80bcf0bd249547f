// Start, use, stop even on error: the one shape for every peer a test runs (a sandbox, moto, a
// registry, a stand-in server, an HTTP client), after async-http-client's `asyncDo(_:finally:)`.

/// Runs `body`, then `finally` whether `body` returned or threw. When `body` threw, its error is
/// the one rethrown (a failed stop must not hide why the test failed); when it returned, an
/// error from `finally` is thrown, so a peer that cannot be stopped is not ignored.
public func withRunning<Value>(
    _ body: () async throws -> Value, finally: () async throws -> Void
) async throws -> Value {
    let result: Value
    do {
        result = try await body()
    } catch {
        try? await finally()
        throw error
    }
    try await finally()
    return result
}
