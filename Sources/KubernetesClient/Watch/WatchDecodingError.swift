// WatchDecodingError: a watch stream that is not newline-delimited watch events.

public struct WatchDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public var detail: String
    public var description: String { "malformed watch stream: \(detail)" }
}
