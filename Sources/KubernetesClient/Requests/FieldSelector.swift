// FieldSelector: field requirements (`metadata.name=x,type!=Opaque`). Values escape `\`, `,` and
// `=` with a backslash, as the API server's parser expects.

public struct FieldSelector: Sendable, Equatable, CustomStringConvertible {
    public enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
    }

    public var requirements: [Requirement]

    public init(_ requirements: [Requirement]) { self.requirements = requirements }

    public static func name(_ name: String) -> FieldSelector { FieldSelector([.equals("metadata.name", name)]) }

    public var description: String {
        requirements.map { requirement in
            switch requirement {
            case .equals(let field, let value): "\(field)=\(Self.escape(value))"
            case .notEquals(let field, let value): "\(field)!=\(Self.escape(value))"
            }
        }.joined(separator: ",")
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            if character == "\\" || character == "," || character == "=" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
