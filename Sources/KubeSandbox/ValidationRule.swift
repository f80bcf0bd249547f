// ValidationRule: the CRD's x-kubernetes-validations rules, for the part of CEL our CRDs use —
// `has(self.a.b)` joined by `||`, `&&`, `!` and parentheses. A rule written in any other CEL is
// not evaluated (the sandbox then accepts what the real server might refuse), so a test that
// relies on a new kind of rule must extend this first. What happens around a rule is
// apiextensions-apiserver's (v1.28, pkg/apiserver/schema/cel/validation.go and
// pkg/registry/customresource/strategy.go): rules run only when the object has no blocking error
// (Required, Too long, Too many, a wrong type), a failed rule is `Invalid value: "object"` with
// the rule's message, and a missing intermediate field is an evaluation error.
import RegcredCore

struct ValidationRule: Sendable {
    indirect enum Expression: Sendable {
        case literal(Bool)
        case has([String])
        case not(Expression)
        case and(Expression, Expression)
        case or(Expression, Expression)
    }

    enum Outcome: Equatable {
        case passed
        case failed
        case evaluationError(String)
    }

    let rule: String
    let message: String?
    let expression: Expression

    /// nil when the rule uses CEL beyond the subset above.
    init?(rule: String, message: String?) {
        var parser = Parser(tokens: Self.tokens(rule))
        guard let tokens = parser.tokens, let expression = parser.parseOr(), parser.position == tokens.count else { return nil }
        self.rule = rule
        self.message = message
        self.expression = expression
    }

    func evaluate(on value: JSONValue) -> Outcome {
        do { return try Self.evaluate(expression, on: value) ? .passed : .failed } catch let error as EvaluationError {
            return .evaluationError(error.text)
        } catch { return .evaluationError("\(error)") }
    }

    /// What a failure says: the message, else `failed rule: <rule>` (ruleMessageOrDefault).
    var failureDetail: String {
        if let message, !message.isEmpty { return message }
        return "failed rule: \(rule.trimmingCharacters(in: .whitespaces))"
    }

    /// ruleErrorString: the message if there is one, else the rule.
    var errorString: String {
        if let message, !message.isEmpty { return message.trimmingCharacters(in: .whitespaces) }
        return rule.trimmingCharacters(in: .whitespaces)
    }

    private struct EvaluationError: Error { let text: String }

    private static func evaluate(_ expression: Expression, on value: JSONValue) throws -> Bool {
        switch expression {
        case .literal(let truth): return truth
        case .not(let inner): return try !evaluate(inner, on: value)
        case .and(let left, let right): return try evaluate(left, on: value) && evaluate(right, on: value)
        case .or(let left, let right): return try evaluate(left, on: value) || evaluate(right, on: value)
        case .has(let path):
            // has(self.a.b.c): a and b must be there (selecting a missing key is an error in CEL);
            // only the last field is tested.
            var current = value
            for field in path.dropLast() {
                guard let next = current.objectValue?[field] else { throw EvaluationError(text: "no such key: \(field)") }
                current = next
            }
            return current.objectValue?[path[path.count - 1]] != nil
        }
    }

    private static func tokens(_ text: String) -> [String]? {
        var tokens: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace {
                index = text.index(after: index)
            } else if character.isLetter || character == "_" {
                var end = index
                while end < text.endIndex, text[end].isLetter || text[end].isNumber || text[end] == "_" { end = text.index(after: end) }
                tokens.append(String(text[index..<end]))
                index = end
            } else if "().!".contains(character) {
                tokens.append(String(character))
                index = text.index(after: index)
            } else if text[index...].hasPrefix("||") || text[index...].hasPrefix("&&") {
                tokens.append(String(text[index..<text.index(index, offsetBy: 2)]))
                index = text.index(index, offsetBy: 2)
            } else {
                return nil
            }
        }
        return tokens
    }

    private struct Parser {
        let tokens: [String]?
        var position = 0

        init(tokens: [String]?) { self.tokens = tokens }

        private var next: String? {
            guard let tokens, position < tokens.count else { return nil }
            return tokens[position]
        }

        private mutating func take(_ token: String) -> Bool {
            guard next == token else { return false }
            position += 1
            return true
        }

        mutating func parseOr() -> Expression? {
            guard var left = parseAnd() else { return nil }
            while take("||") {
                guard let right = parseAnd() else { return nil }
                left = .or(left, right)
            }
            return left
        }

        mutating func parseAnd() -> Expression? {
            guard var left = parseUnary() else { return nil }
            while take("&&") {
                guard let right = parseUnary() else { return nil }
                left = .and(left, right)
            }
            return left
        }

        mutating func parseUnary() -> Expression? {
            if take("!") { return parseUnary().map { .not($0) } }
            if take("(") {
                guard let inner = parseOr(), take(")") else { return nil }
                return inner
            }
            if take("true") { return .literal(true) }
            if take("false") { return .literal(false) }
            guard take("has"), take("("), take("self"), take(".") else { return nil }
            var path: [String] = []
            repeat {
                guard let field = next, field.first?.isLetter == true || field.first == "_" else { return nil }
                position += 1
                path.append(field)
            } while take(".")
            return take(")") ? .has(path) : nil
        }
    }
}
