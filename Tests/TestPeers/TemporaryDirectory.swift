// A directory that exists for the length of one closure and is removed afterwards.
import Foundation

public struct TemporaryDirectory: Sendable {
    public let url: URL

    /// Runs `body` with a fresh, private (0700) directory and removes it afterwards, whether
    /// `body` returns or throws.
    public static func with<T>(_ body: (TemporaryDirectory) async throws -> T) async throws -> T {
        // Kept short: gpg-agent puts its sockets under GNUPGHOME, and socket paths are limited.
        let url = URL(filePath: "/tmp").appending(
            path: "rc-\(UUID().uuidString.prefix(12))", directoryHint: .isDirectory)
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(TemporaryDirectory(url: url))
    }

    public func file(_ name: String) -> URL { url.appending(path: name) }

    public func path(_ name: String) -> String { file(name).path }

    /// Writes `contents` to `name` (no newline added) and returns the file's path.
    @discardableResult
    public func write(_ contents: String, to name: String) throws -> String {
        try write(Data(contents.utf8), to: name)
    }

    @discardableResult
    public func write(_ contents: Data, to name: String) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: target)
        return target.path
    }

    public func read(_ name: String) throws -> Data { try Data(contentsOf: file(name)) }

    /// Creates (if needed) and returns a private subdirectory.
    public func makeDirectory(_ name: String) throws -> URL {
        let directory = url.appending(path: name, directoryHint: .isDirectory)
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return directory
    }
}
