// Replacing a file so that a reader sees the old contents or the new, never half of either,
// and a failure leaves the original untouched.
import Foundation

public enum AtomicFileWriter {
    /// Writes `text` next to `path` in a temporary file with the original's permissions, flushes
    /// it to disk, then renames it over `path` (rename is atomic within a filesystem).
    public static func replace(_ path: String, with text: String) throws(WriteError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).regcred-\(UUID().uuidString)")
        let permissions = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber) ?? 0o600
        guard FileManager.default.createFile(
            atPath: temporary.path, contents: nil, attributes: [.posixPermissions: permissions])
        else { throw .cannotCreate(directory.path) }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .writeFailed(path, "\(error.localizedDescription)")
        }
        guard rename(temporary.path, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .writeFailed(path, reason)
        }
    }
}

public enum WriteError: UserFacingError, Equatable {
    case cannotCreate(String)
    case writeFailed(String, String)

    public var kind: FailureKind { .cannotWrite }

    public var description: String {
        switch self {
        case .cannotCreate(let directory): "cannot create a file in \(directory): check that it exists and is writable; the original is unchanged"
        case .writeFailed(let path, let reason): "cannot write \(path): \(reason); the original is unchanged"
        }
    }
}
