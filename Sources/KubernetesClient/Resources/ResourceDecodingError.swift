// ResourceDecodingError: why a JSON document is not the Kubernetes object we expected, naming
// the field path ("Secret.metadata.labels: expected an object, found a string").

public struct ResourceDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var detail: String

    public init(path: String, detail: String) {
        self.path = path
        self.detail = detail
    }

    /// Nested decoders do not know where they sit; the parent adds its part of the path.
    func prefixed(with parent: String) -> ResourceDecodingError {
        ResourceDecodingError(path: path.isEmpty ? parent : "\(parent).\(path)", detail: detail)
    }

    public var description: String { path.isEmpty ? detail : "\(path): \(detail)" }
}
