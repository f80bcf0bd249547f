// MicroTime: a timestamp written with microseconds, as Lease and events.k8s.io Event require
// (the server rejects second-precision strings in these fields).
import Foundation
import RegcredCore

public struct MicroTime: JSONRepresentable, Codable, Hashable, Comparable {
    public var date: Date

    public init(_ date: Date) { self.date = date }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        date = try Date(json: json)
    }

    public var json: JSONValue { .string(KubeTimeFormat.microseconds(date)) }

    public static func < (lhs: MicroTime, rhs: MicroTime) -> Bool { lhs.date < rhs.date }
}
