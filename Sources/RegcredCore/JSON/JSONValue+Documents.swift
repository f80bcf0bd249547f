// A file of several manifests: one JSON document, or YAML documents separated by `---` lines.
import Foundation

extension JSONValue {
    /// The documents in `text`; empty YAML documents are skipped. JSON is read as Go (and so
    /// kubectl and the kubelet) reads it: a repeated key's last value wins.
    public static func documents(in text: String) throws -> [JSONValue] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") { return [try OrderedJSON(parsing: Data(trimmed.utf8)).lastWins] }
        var documents: [JSONValue] = []
        var current: [Substring] = []
        func flush() throws {
            let chunk = current.joined(separator: "\n")
            current = []
            guard !chunk.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
            let value = try JSONValue(yaml: chunk)
            if value != .null { documents.append(value) }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "---" || line.hasPrefix("--- ") { try flush() } else { current.append(line) }
        }
        try flush()
        return documents
    }
}
