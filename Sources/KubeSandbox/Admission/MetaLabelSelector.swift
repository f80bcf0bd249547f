// MetaLabelSelector: a metav1.LabelSelector as written in specs (matchLabels, matchExpressions
// with In, NotIn, Exists, DoesNotExist), matched as apimachinery's LabelSelectorAsSelector does:
// every requirement must hold, and an empty selector selects everything.
import RegcredCore

struct MetaLabelSelector: Sendable {
    private var requirements: [LabelSelector.Requirement]

    var isEmpty: Bool { requirements.isEmpty }

    init(_ value: JSONValue?) {
        var requirements: [LabelSelector.Requirement] = []
        for (key, value) in (value?["matchLabels"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            requirements.append(.init(key: key, op: .equals, values: [value.stringValue ?? ""]))
        }
        for expression in value?["matchExpressions"]?.arrayValue ?? [] {
            let key = expression["key"]?.stringValue ?? ""
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue)
            let op: LabelSelector.Operator
            switch expression["operator"]?.stringValue ?? "" {
            case "In": op = .isIn
            case "NotIn": op = .notIn
            case "Exists": op = .exists
            default: op = .doesNotExist
            }
            requirements.append(.init(key: key, op: op, values: values))
        }
        self.requirements = requirements
    }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    /// The labels of an object's metadata as a plain map.
    static func labels(of object: JSONValue?) -> [String: String] {
        (object?["metadata"]?["labels"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }
}
