// Key files the CLI hands to a token source (`--gcp-key-file`, `--client-secret-file`,
// `--private-key-file`) are read through InputSource, as the Secret the source names.
import Foundation
import Operations
import Testing

@Suite("Local key files as source secrets")
struct LocalKeyFileTests {
    @Test("a named file is the Secret's one key; another name, a missing file and a directory are no Secret")
    func filesBecomeSecrets() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("regcred-key-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("{\"type\":\"service_account\"}".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let secrets = MintCredential.localSecrets([
            "gcp-key": ("key.json", path), "gone": ("key", "/nonexistent/key"),
            "folder": ("key", FileManager.default.temporaryDirectory.path),
        ])
        #expect(await secrets("gcp-key") == ["key.json": Data("{\"type\":\"service_account\"}".utf8)])
        #expect(await secrets("other") == nil)
        #expect(await secrets("gone") == nil)
        #expect(await secrets("folder") == nil)
    }
}
