// Redacted: wraps secret material (tokens, private keys, secret data) so that printing,
// interpolating, dumping or logging it by accident shows `<redacted>` instead.

public struct Redacted<Value: Sendable & Equatable>: Sendable, Equatable, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    /// The secret itself; reading it is a deliberate act, greppable as `.value`.
    public let value: Value

    public init(_ value: Value) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
