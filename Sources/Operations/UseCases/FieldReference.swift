// A field of any object that `rotate --ref` switches to the new secret's name.
import KubernetesClient

/// Any object field that holds the secret's name (`--ref`), e.g. a registry cache's
/// `spec.upstream.secretReferenceName`: `GROUP/VERSION/RESOURCE/NAME:FIELD.PATH` (`v1/…` for core).
public struct FieldReference: Hashable, Sendable, CustomStringConvertible {
    public var resource: Resource
    public var name: String
    public var path: [String]

    public init(parsing text: String) throws {
        let pieces = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard pieces.count == 2, !pieces[1].isEmpty else { throw RotationError.badReference(text) }
        var segments = pieces[0].split(separator: "/").map(String.init)
        if segments.count == 3 { segments.insert("", at: 0) }
        guard segments.count == 4, !segments[1].isEmpty, !segments[2].isEmpty, !segments[3].isEmpty else {
            throw RotationError.badReference(text)
        }
        resource = Resource(group: segments[0], version: segments[1], plural: segments[2], kind: segments[2], namespaced: true)
        name = segments[3]
        path = pieces[1].split(separator: ".").map(String.init)
        guard !path.isEmpty, path.allSatisfy({ !$0.isEmpty }) else { throw RotationError.badReference(text) }
    }

    public var description: String { "\(resource)/\(name):\(path.joined(separator: "."))" }
}
