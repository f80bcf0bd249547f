// Reading a label selector as kubectl's `-l` takes it: `app=web,tier!=db,env in (a,b),managed,!legacy`
// (`==` too). Used for flags such as `regcred controller --selector`.
import Foundation

extension LabelQuery {
    public init(parsing text: String) throws(LabelQueryError) {
        var requirements: [Requirement] = []
        for term in Self.splitTerms(text) {
            let trimmed = term.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { throw .invalid(text, "an empty requirement") }
            requirements.append(try Self.requirement(trimmed, in: text))
        }
        self.init(requirements)
    }

    /// Commas separate requirements, except inside the parentheses of `in (…)`.
    private static func splitTerms(_ text: String) -> [String] {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        var terms: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")": depth -= 1; current.append(character)
            case "," where depth == 0: terms.append(current); current = ""
            default: current.append(character)
            }
        }
        terms.append(current)
        return terms
    }

    private static func requirement(_ term: String, in text: String) throws(LabelQueryError) -> Requirement {
        func key(_ raw: Substring) throws(LabelQueryError) -> String {
            let key = raw.trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }) else {
                throw .invalid(text, "\"\(key)\" is not a label key")
            }
            return key
        }
        if let range = term.range(of: "!=") {
            return .notEquals(try key(term[..<range.lowerBound]), term[range.upperBound...].trimmingCharacters(in: .whitespaces))
        }
        if let range = term.range(of: "==") ?? term.range(of: "=") {
            return .equals(try key(term[..<range.lowerBound]), term[range.upperBound...].trimmingCharacters(in: .whitespaces))
        }
        for (word, makesNegative) in [(" notin ", true), (" in ", false)] {
            guard let range = term.range(of: word) else { continue }
            let rest = term[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("("), rest.hasSuffix(")") else { throw .invalid(text, "values of \"\(word.trimmingCharacters(in: .whitespaces))\" go in parentheses") }
            let values = rest.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let name = try key(term[..<range.lowerBound])
            return makesNegative ? .notIn(name, values) : .in(name, values)
        }
        if term.hasPrefix("!") { return .doesNotExist(try key(term.dropFirst())) }
        return .exists(try key(Substring(term)))
    }
}

public enum LabelQueryError: Error, Equatable, CustomStringConvertible {
    case invalid(String, String)

    public var description: String {
        switch self {
        case .invalid(let text, let why): "label selector \"\(text)\" is invalid: \(why); write it as kubectl -l does, e.g. team=payments,tier!=db,env in (a,b)"
        }
    }
}
