// Watch streams decoded from chunks split anywhere, and the resume/relist decisions.
import Foundation
import RegcredCore
import Testing
@testable import KubernetesClient

@Suite struct WatchDecodingTests {
    static let stream = """
    {"type":"ADDED","object":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"a","namespace":"n","resourceVersion":"10"},"data":{"k":"dg=="}}}
    {"type":"MODIFIED","object":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"a","namespace":"n","resourceVersion":"11"},"data":{"k":"dzI="}}}
    {"type":"BOOKMARK","object":{"kind":"Secret","apiVersion":"v1","metadata":{"resourceVersion":"15"}}}
    {"type":"DELETED","object":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"a","namespace":"n","resourceVersion":"16"}}}
    {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 1 (16)","reason":"Expired","code":410}}

    """

    static func summary(_ events: [WatchEvent<Secret>]) -> [String] {
        events.map { event in
            switch event {
            case .added(let s): "added \(s.name!) \(s.resourceVersion!) \(String(decoding: s.data["k"] ?? Data(), as: UTF8.self))"
            case .modified(let s): "modified \(s.name!) \(s.resourceVersion!) \(String(decoding: s.data["k"] ?? Data(), as: UTF8.self))"
            case .deleted(let s): "deleted \(s.name!) \(s.resourceVersion!)"
            case .bookmark(let rv): "bookmark \(rv)"
            case .error(let status): "error \(status.code ?? 0) \(status.reason ?? "")"
            }
        }
    }

    static let expected = ["added a 10 v", "modified a 11 w2", "bookmark 15", "deleted a 16", "error 410 Expired"]

    @Test func decodesAWholeStream() throws {
        var decoder = WatchEventDecoder<Secret>()
        let events = try decoder.feed(Array(Self.stream.utf8)) + decoder.finish()
        #expect(Self.summary(events) == Self.expected)
    }

    @Test(arguments: [1, 2, 3, 7, 64, 150, 1000])
    func decodesTheSameWhateverTheChunkSize(chunk: Int) throws {
        var decoder = WatchEventDecoder<Secret>()
        let bytes = Array(Self.stream.utf8)
        var events: [WatchEvent<Secret>] = []
        var start = 0
        while start < bytes.count {
            events += try decoder.feed(bytes[start..<min(start + chunk, bytes.count)])
            start += chunk
        }
        events += try decoder.finish()
        #expect(Self.summary(events) == Self.expected)
    }

    @Test func randomSplitsDecodeIdentically() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = Array(Self.stream.utf8)
        for _ in 0..<50 {
            var decoder = WatchEventDecoder<Secret>()
            var events: [WatchEvent<Secret>] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int.random(in: 1...40, using: &generator))
                events += try decoder.feed(bytes[start..<end])
                start = end
            }
            events += try decoder.finish()
            #expect(Self.summary(events) == Self.expected)
        }
    }

    @Test func aLastLineWithoutNewlineIsDeliveredAtTheEnd() throws {
        var decoder = WatchEventDecoder<Secret>()
        let line = #"{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}}"#
        #expect(try decoder.feed(Array(line.utf8)).isEmpty)
        #expect(Self.summary(try decoder.finish()) == ["bookmark 9"])
    }

    @Test func garbageIsAnError() throws {
        var decoder = WatchEventDecoder<Secret>()
        #expect(throws: WatchDecodingError.self) { try decoder.feed(Array("<html>502</html>\n".utf8)) }
        var other = WatchEventDecoder<Secret>()
        #expect(throws: WatchDecodingError(detail: "unknown event type \"WHAT\"")) { try other.feed(Array(#"{"type":"WHAT","object":{}}"#.utf8 + [10])) }
    }

    @Test func oversizedLinesAreRefused() throws {
        var decoder = WatchEventDecoder<Secret>(maxLineBytes: 16)
        #expect(throws: WatchDecodingError.self) { try decoder.feed(Array(repeating: UInt8(ascii: "x"), count: 17)) }
    }

    static func secret(_ name: String, rv: String) -> Secret {
        var secret = Secret(metadata: ObjectMeta(name: name, namespace: "n"))
        secret.metadata.resourceVersion = rv
        return secret
    }

    @Test func resumeStateFollowsEventsAndBookmarks() {
        var state = WatchResumeState()
        state.listed(resourceVersion: "5")
        #expect(state.received(WatchEvent.added(Self.secret("a", rv: "6")), random: 0) == .deliver)
        #expect(state.resourceVersion == "6")
        #expect(state.received(WatchEvent<Secret>.bookmark(resourceVersion: "20"), random: 0) == .skip)
        #expect(state.resourceVersion == "20")
    }

    @Test func goneMeansRelistFromScratch() {
        var state = WatchResumeState()
        state.listed(resourceVersion: "5")
        let gone = Status(message: "too old", reason: "Expired", code: 410)
        #expect(state.received(WatchEvent<Secret>.error(gone), random: 0) == .relist(after: .zero))
        #expect(state.resourceVersion == nil)
        state.listed(resourceVersion: "30")
        #expect(state.failed(httpStatus: 410, random: 0) == .relist(after: .zero))
    }

    @Test func failuresBackOffAndResetAfterProgress() {
        let backoff = Backoff(initial: .seconds(1), maximum: .seconds(4), multiplier: 2, jitter: 0)
        var state = WatchResumeState(backoff: backoff)
        state.listed(resourceVersion: "5")
        #expect(state.streamEnded(failed: true, deliveredEvents: 0, random: 0) == .rewatch(after: .seconds(1)))
        #expect(state.streamEnded(failed: true, deliveredEvents: 0, random: 0) == .rewatch(after: .seconds(2)))
        #expect(state.failed(httpStatus: 500, random: 0) == .rewatch(after: .seconds(4)))
        #expect(state.streamEnded(failed: true, deliveredEvents: 0, random: 0) == .rewatch(after: .seconds(4)))
        #expect(state.resourceVersion == "5")
        #expect(state.streamEnded(failed: false, deliveredEvents: 3, random: 0) == .rewatch(after: .zero))
        #expect(state.consecutiveFailures == 0)
    }

    @Test func aWatchThatEndsAtOnceWithNothingBacksOff() {
        var state = WatchResumeState(backoff: Backoff(initial: .seconds(1), maximum: .seconds(4), multiplier: 2, jitter: 0))
        #expect(state.streamEnded(failed: false, deliveredEvents: 0, random: 0) == .rewatch(after: .seconds(1)))
    }
}
