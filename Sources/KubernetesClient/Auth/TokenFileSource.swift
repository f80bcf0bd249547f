// TokenFileSource: a bearer token read from a file and re-read when the file changes, since
// projected service-account tokens are rotated by the kubelet (client-go re-reads too).
import Foundation
import RegcredCore

public actor TokenFileSource {
    public let path: String
    private var cached: Redacted<String>?
    private var stamp: FileStamp?

    private struct FileStamp: Equatable {
        var modified: Date?
        var size: Int?
        var inode: Int?
    }

    public init(path: String) { self.path = path }

    /// The current token. A `stat` per call is cheap next to a request and catches rotation at
    /// once (the kubelet replaces the file through a symlink swap, which changes the inode).
    public func token() throws(AuthenticationError) -> Redacted<String> {
        let current = Self.stamp(of: path)
        if let cached, current == stamp { return cached }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .tokenFileUnreadable(path: path)
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .tokenFileEmpty(path: path) }
        cached = Redacted(text)
        stamp = current
        return Redacted(text)
    }

    /// After a 401: read the file again even if it looks unchanged.
    public func invalidate() {
        cached = nil
        stamp = nil
    }

    private static func stamp(of path: String) -> FileStamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return FileStamp(
            modified: attributes[.modificationDate] as? Date,
            size: (attributes[.size] as? NSNumber)?.intValue,
            inode: (attributes[.systemFileNumber] as? NSNumber)?.intValue)
    }
}
