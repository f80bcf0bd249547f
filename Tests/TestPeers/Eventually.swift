// Waiting for an eventually consistent system (a controller, an informer, an election): one
// polling loop for every test target. A wait is not a timed assertion: timeouts are generous and
// only bound a hang.
import Testing

/// Asks `condition` every `interval` until it holds or `timeout` passes; whether it held. A
/// condition that throws is asked again (the system may not have caught up yet), except at the
/// deadline, where its error is the answer.
public func eventually(
    timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(20), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline, !Task.isCancelled {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}

/// `eventually` as an expectation: when `condition` never holds, records an issue naming `what`
/// and throws, ending the test there (the steps after it would only fail for the same reason).
public func eventually(
    _ what: String, timeout: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    if (try? await eventually(timeout: timeout, condition)) == true { return }
    Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    throw CancellationError()
}
