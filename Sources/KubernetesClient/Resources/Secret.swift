// Secret (core/v1): data as bytes (base64 on the wire), stringData for writes, type and
// immutability. Printing a Secret never shows its data.
import Foundation
import RegcredCore

public struct Secret: KnownResource, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public static let resource = Resource.secrets
    public var metadata: ObjectMeta
    public var data: [String: Data]
    /// Write-only convenience the server merges into `data`; never returned by reads.
    public var stringData: [String: String]
    /// `Opaque`, `kubernetes.io/dockerconfigjson`, …; `nil` means the server's default (Opaque).
    public var type: String?
    public var immutable: Bool?
    public var raw: JSONValue

    public init(metadata: ObjectMeta, type: String? = nil, data: [String: Data] = [:], stringData: [String: String] = [:], immutable: Bool? = nil) {
        self.metadata = metadata
        self.type = type
        self.data = data
        self.stringData = stringData
        self.immutable = immutable
        self.raw = .object([:])
    }

    public init(json: JSONValue) throws(ResourceDecodingError) {
        let reader = try JSONObjectReader(json)
        metadata = try reader.optional("metadata") ?? ObjectMeta()
        data = try reader.optional("data") ?? [:]
        stringData = try reader.optional("stringData") ?? [:]
        type = try reader.optional("type")
        immutable = try reader.optional("immutable")
        raw = json
    }

    public var json: JSONValue {
        var writer = JSONObjectWriter(raw)
        writer.set("metadata", metadata)
        writer.setNonEmpty("data", data)
        writer.setNonEmpty("stringData", stringData)
        writer.set("type", type)
        writer.set("immutable", immutable)
        return writer.json
    }

    public var description: String {
        let location = [metadata.namespace, metadata.name].compactMap { $0 }.joined(separator: "/")
        return "Secret(\(location), type: \(type ?? "Opaque"), keys: \(data.keys.sorted()), data: <redacted>)"
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["metadata": metadata, "type": type as Any, "keys": data.keys.sorted()])
    }
}
