import Foundation
import Operations
import Testing

@Suite("Password sources")
struct PasswordSourceTests {
    func withFile(_ contents: String, _ body: (String) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("regcred-pw-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(contents.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(path)
    }

    @Test("one trailing newline is stripped; all other whitespace is kept", arguments: [
        ("tok\n", "tok"), ("tok\r\n", "tok"), ("tok\n\n", "tok\n"), (" tok ", " tok "), ("a b\tc\n", "a b\tc"), ("tok", "tok"),
    ])
    func stripsOneTrailingNewline(contents: String, expected: String) throws {
        try withFile(contents) { path in
            let password = try PasswordSource.file(path).read()
            #expect(password.value == expected)
        }
    }

    @Test("a missing file and an unset variable are missing input")
    func missing() {
        #expect(throws: InputError.notFound("/nonexistent/pw")) { try PasswordSource.file("/nonexistent/pw").read() }
        #expect(throws: InputError.environmentVariableUnset("REGCRED_TEST_UNSET_VAR")) {
            try PasswordSource.environment("REGCRED_TEST_UNSET_VAR").read()
        }
        #expect(InputError.notFound("x").kind == .missingInput)
    }
}
