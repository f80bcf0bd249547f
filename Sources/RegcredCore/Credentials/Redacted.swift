// A wrapper that keeps secret material out of logs, errors and debug output by accident.

/// Printing, interpolating, dumping or mirroring a `Redacted` shows `<redacted>`; only `.value`
/// gives the secret, so every place that reveals one is explicit and easy to review.
public struct Redacted<Value: Sendable & Hashable>: Sendable, Hashable, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    public let value: Value
    public init(_ value: Value) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
