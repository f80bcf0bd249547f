// A Kubernetes metav1.LabelSelector (matchLabels + matchExpressions) and its evaluation.

public struct LabelSelector: Codable, Hashable, Sendable {
    public struct Requirement: Codable, Hashable, Sendable {
        public enum Operator: String, Codable, Hashable, Sendable { case In, NotIn, Exists, DoesNotExist }
        public var key: String
        public var `operator`: Operator
        public var values: [String]?

        public init(key: String, operator: Operator, values: [String]? = nil) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }

    public var matchLabels: [String: String]?
    public var matchExpressions: [Requirement]?

    public init(matchLabels: [String: String]? = nil, matchExpressions: [Requirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// An empty selector matches everything, as in Kubernetes (a nil selector is handled by callers).
    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels ?? [:] where labels[key] != value { return false }
        for requirement in matchExpressions ?? [] where !requirement.matches(labels) { return false }
        return true
    }

    /// Why the selector is invalid, as the API server would say it; empty when valid.
    public var problems: [String] {
        (matchExpressions ?? []).compactMap { requirement in
            switch requirement.operator {
            case .In, .NotIn:
                (requirement.values ?? []).isEmpty
                    ? "matchExpressions[\(requirement.key)]: operator \(requirement.operator.rawValue) needs at least one value" : nil
            case .Exists, .DoesNotExist:
                (requirement.values ?? []).isEmpty
                    ? nil : "matchExpressions[\(requirement.key)]: operator \(requirement.operator.rawValue) takes no values"
            }
        }
    }
}

extension LabelSelector.Requirement {
    public func matches(_ labels: [String: String]) -> Bool {
        switch self.operator {
        case .In: labels[key].map { (values ?? []).contains($0) } ?? false
        case .NotIn: labels[key].map { !(values ?? []).contains($0) } ?? true
        case .Exists: labels[key] != nil
        case .DoesNotExist: labels[key] == nil
        }
    }
}
