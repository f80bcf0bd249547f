// WatchEventDecoder: turns the bytes of a watch response, in chunks split anywhere, into typed
// events, one per newline-delimited JSON line. Pure: feed bytes, get events; nothing is buffered
// beyond the current incomplete line.
import Foundation
import RegcredCore

public struct WatchEventDecoder<Object: JSONRepresentable>: Sendable {
    private var pending: [UInt8] = []
    /// Where the newline search resumes in `pending`, so a long line is scanned once.
    private var scanned = 0
    /// A single event larger than this is refused rather than buffered without end.
    public let maxLineBytes: Int

    public init(maxLineBytes: Int = 32 << 20) { self.maxLineBytes = maxLineBytes }

    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(WatchDecodingError) -> [WatchEvent<Object>] {
        pending.append(contentsOf: bytes)
        var events: [WatchEvent<Object>] = []
        var lineStart = 0
        var index = scanned
        while index < pending.count {
            if pending[index] == UInt8(ascii: "\n") {
                if let event = try Self.decodeLine(pending[lineStart..<index]) { events.append(event) }
                lineStart = index + 1
            }
            index += 1
        }
        pending.removeFirst(lineStart)
        scanned = pending.count
        if pending.count > maxLineBytes {
            throw WatchDecodingError(detail: "an event is larger than \(maxLineBytes) bytes")
        }
        return events
    }

    /// The stream ended: a last line without a newline is still an event.
    public mutating func finish() throws(WatchDecodingError) -> [WatchEvent<Object>] {
        defer { pending = []; scanned = 0 }
        guard let event = try Self.decodeLine(pending[...]) else { return [] }
        return [event]
    }

    static func decodeLine(_ line: ArraySlice<UInt8>) throws(WatchDecodingError) -> WatchEvent<Object>? {
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { return nil }
        let tree: JSONValue
        do { tree = try JSONValue(parsing: Data(line)) } catch { throw WatchDecodingError(detail: error.description) }
        guard let type = tree["type"]?.stringValue else { throw WatchDecodingError(detail: "an event has no type") }
        let object = tree["object"] ?? .null
        do {
            switch type {
            case "ADDED": return .added(try Object(json: object))
            case "MODIFIED": return .modified(try Object(json: object))
            case "DELETED": return .deleted(try Object(json: object))
            case "BOOKMARK":
                return .bookmark(resourceVersion: object["metadata"]?["resourceVersion"]?.stringValue ?? "")
            case "ERROR":
                return .error(try Status(json: object))
            default:
                throw WatchDecodingError(detail: "unknown event type \"\(type)\"")
            }
        } catch let error as ResourceDecodingError {
            throw WatchDecodingError(detail: "\(type) event: \(error)")
        } catch let error as WatchDecodingError {
            throw error
        } catch {
            throw WatchDecodingError(detail: "\(error)")
        }
    }
}
