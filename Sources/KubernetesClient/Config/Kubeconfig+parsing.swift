// Reading one kubeconfig file: YAML (or JSON) to typed entries, with relative file references
// made absolute against the file's folder, as kubectl does, and an error per bad field.
import Foundation
import RegcredCore

extension Kubeconfig {
    /// Parses kubeconfig text. `path` names the file in errors and anchors relative paths.
    public static func parse(_ text: String, path: String) throws(KubeconfigError) -> Kubeconfig {
        let tree: JSONValue
        do { tree = try JSONValue(yaml: text) } catch { throw .syntax(path: path, detail: error.description) }
        var parser = KubeconfigParser(path: path)
        return try parser.parse(tree)
    }

    /// Reads and parses a file.
    public static func load(path: String) throws(KubeconfigError) -> Kubeconfig {
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path: path) }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: path, detail: error.localizedDescription)
        }
        return try parse(text, path: path)
    }
}
