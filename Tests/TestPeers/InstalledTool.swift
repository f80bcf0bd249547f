// Finds the external programs the tests drive (kubectl, skopeo, gpg …) on PATH.
import Foundation

public enum InstalledTool {
    /// The first executable called `name` on this process's PATH, or nil.
    public static func find(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = URL(filePath: String(directory)).appending(path: name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Like `find`, but a missing tool is an error that says how to get it.
    public static func require(_ name: String) throws -> URL {
        guard let url = find(name) else { throw TestSupportError.toolMissing(name) }
        return url
    }
}
