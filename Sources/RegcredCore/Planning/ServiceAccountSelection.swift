// Which service accounts of a target namespace get the pull secret in `imagePullSecrets`.

/// Spelled in the resource as a list of names: `["default"]` (the default), `["*"]` for every
/// service account, `[]` for none. A list keeps the CRD schema structural, which a
/// "string or list" field could not be.
public enum ServiceAccountSelection: Hashable, Sendable {
    case all
    case named(Set<String>)

    public static let `default` = ServiceAccountSelection.named(["default"])
    public static let none = ServiceAccountSelection.named([])

    public init(names: [String]?) {
        guard let names else {
            self = .default
            return
        }
        self = names.contains("*") ? .all : .named(Set(names))
    }

    public func includes(_ serviceAccount: String) -> Bool {
        switch self {
        case .all: true
        case .named(let names): names.contains(serviceAccount)
        }
    }
}
