// LabelQuery: label requirements in the API's text form (`app=web,tier!=db,env in (a,b),
// managed,!legacy`), built from typed requirements so that callers never assemble strings.
import RegcredCore

public struct LabelQuery: Sendable, Equatable, CustomStringConvertible, ExpressibleByDictionaryLiteral {
    public enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case `in`(String, [String])
        case notIn(String, [String])
        case exists(String)
        case doesNotExist(String)
    }

    public var requirements: [Requirement]

    public init(_ requirements: [Requirement] = []) { self.requirements = requirements }

    /// `["app": "web"]`: equality on every key (sorted, for stable URLs).
    public init(dictionaryLiteral elements: (String, String)...) {
        requirements = elements.sorted { $0.0 < $1.0 }.map { .equals($0.0, $0.1) }
    }

    public init(matchLabels: [String: String]) {
        requirements = matchLabels.sorted { $0.key < $1.key }.map { .equals($0.key, $0.value) }
    }

    public var isEmpty: Bool { requirements.isEmpty }

    public var description: String {
        requirements.map { requirement in
            switch requirement {
            case .equals(let key, let value): "\(key)=\(value)"
            case .notEquals(let key, let value): "\(key)!=\(value)"
            case .in(let key, let values): "\(key) in (\(values.sorted().joined(separator: ",")))"
            case .notIn(let key, let values): "\(key) notin (\(values.sorted().joined(separator: ",")))"
            case .exists(let key): key
            case .doesNotExist(let key): "!\(key)"
            }
        }.joined(separator: ",")
    }

    /// Whether `labels` satisfy every requirement (the informer filters local objects with it).
    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .in(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): !(labels[key].map(values.contains) ?? false)
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            }
        }
    }
}

extension LabelQuery {
    /// The query a metav1.LabelSelector (matchLabels + matchExpressions) stands for.
    public init(_ selector: LabelSelector) {
        var requirements = (selector.matchLabels ?? [:]).sorted { $0.key < $1.key }.map { Requirement.equals($0.key, $0.value) }
        for expression in selector.matchExpressions ?? [] {
            switch expression.operator {
            case .In: requirements.append(.in(expression.key, expression.values ?? []))
            case .NotIn: requirements.append(.notIn(expression.key, expression.values ?? []))
            case .Exists: requirements.append(.exists(expression.key))
            case .DoesNotExist: requirements.append(.doesNotExist(expression.key))
            }
        }
        self.init(requirements)
    }
}
