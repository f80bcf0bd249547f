import Foundation
import Operations
import Testing

@Suite("Atomic file replacement")
struct AtomicFileWriterTests {
    @Test("the file is replaced whole and keeps its permissions; no temporary file is left")
    func replaces() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("regcred-aw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("secret.yaml").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o640])
        try AtomicFileWriter.replace(path, with: "new contents\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new contents\n")
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(permissions?.intValue == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["secret.yaml"])
    }

    @Test("a write into a missing folder fails and says the original is unchanged")
    func failsCleanly() {
        #expect {
            try AtomicFileWriter.replace("/nonexistent-dir-regcred/secret.yaml", with: "x")
        } throws: { error in
            "\(error)".contains("the original is unchanged")
        }
    }
}
