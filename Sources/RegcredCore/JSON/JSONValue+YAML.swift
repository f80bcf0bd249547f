// YAML reading and writing for JSONValue, through Yams. Kubernetes manifests are YAML 1.1-ish
// in the wild; we accept what Yams resolves and always write strings so they read back as strings.
import Foundation
import Yams

/// Why a text is not the YAML we expected.
public struct YAMLSyntaxError: Error, Equatable, CustomStringConvertible {
    public let detail: String
    public var description: String { "not valid YAML: \(detail)" }
}

extension JSONValue {
    /// Parses one YAML document. An empty document is `null`.
    public init(yaml text: String) throws(YAMLSyntaxError) {
        // Yams shares an anchored node among its aliases, but hashes mapping keys while it
        // composes, and the tree built here copies the node at every alias: nine levels of
        // nine aliases ("billion laughs") would be 387 million values. Count first, from
        // libyaml's events, stopping at the limit.
        guard YAMLExpansionBudget.fits(text, limit: Self.maximumYAMLNodes) else {
            throw YAMLSyntaxError(
                detail: "the document expands to more than \(Self.maximumYAMLNodes) values once its aliases are replaced (an alias bomb?); a pull secret needs a few dozen")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw YAMLSyntaxError(detail: Self.location(of: error))
        }
        guard let node else {
            self = .null
            return
        }
        self = try JSONValue(node: node)
    }

    /// The most values a YAML document may hold once aliases are expanded: far above any
    /// manifest regcred reads, far below what takes noticeable time or memory.
    public static let maximumYAMLNodes = 100_000

    /// Where and why parsing failed, without the snippet of input that Yams quotes: that line
    /// may hold a password.
    static func location(of error: any Error) -> String {
        guard let yamlError = error as? YamlError else { return "the document could not be parsed" }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text))" } ?? ""
            return "line \(mark.line), column \(mark.column): \(problem)\(during)"
        case .reader(let problem, let offset, _, _):
            return offset.map { "\(problem) at byte \($0)" } ?? problem
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "line \(context.mark.line): duplicated keys \(duplicates.sorted().joined(separator: ", "))"
        case .dataCouldNotBeDecoded:
            return "the document is not UTF-8 text"
        default:
            return "the document could not be parsed"
        }
    }

    private init(node: Node) throws(YAMLSyntaxError) {
        switch node {
        case .scalar(let scalar):
            self = JSONValue(scalar: scalar)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try JSONValue(node: item)) }
            self = .array(items)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw YAMLSyntaxError(detail: "mapping keys must be plain strings")
                }
                members[keyScalar.string] = try JSONValue(node: value)
            }
            self = .object(members)
        case .alias:
            throw YAMLSyntaxError(detail: "aliases are not supported")
        }
    }

    private init(scalar: Node.Scalar) {
        let node = Node.scalar(scalar)
        switch node.tag {
        case Tag(.null): self = .null
        case Tag(.bool): self = node.bool.map(JSONValue.bool) ?? .string(scalar.string)
        case Tag(.int): self = node.int.map { .integer(Int64($0)) } ?? .string(scalar.string)
        case Tag(.float): self = node.float.map(JSONValue.double) ?? .string(scalar.string)
        default: self = .string(scalar.string)
        }
    }

    /// Block-style YAML with sorted keys; strings that would read back as another type are quoted.
    public func yamlString() -> String {
        // Serialising a tree of plain scalars, sequences and mappings does not fail.
        (try? Yams.serialize(node: yamlNode, width: -1, sortKeys: true)) ?? ""
    }

    private var yamlNode: Node {
        switch self {
        case .null: return Node("null", Tag(.null))
        case .bool(let value): return Node(value ? "true" : "false", Tag(.bool))
        case .integer(let value): return Node(String(value), Tag(.int))
        case .double(let value): return Node(value.description, Tag(.float))
        case .string(let value): return .scalar(value.represented())
        case .array(let items): return .sequence(Node.Sequence(items.map(\.yamlNode)))
        case .object(let members):
            let pairs = members.map { (Node.scalar($0.key.represented()), $0.value.yamlNode) }
            return .mapping(Node.Mapping(pairs))
        }
    }
}
