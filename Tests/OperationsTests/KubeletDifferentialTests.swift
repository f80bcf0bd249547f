// The differential test against Go: Tests/KubeletReference (Go's own encoding/json, base64,
// net/url and filepath, with the kubelet's lookup rules) generates seeded random pull secrets
// and images and says what the kubelet does; `match -o json`'s report must say the same for
// every case. Skipped, saying why, where `go` is not installed (scripts/test installs golang-go).
import Foundation
import Operations
import RegcredCore
import Testing

@Suite("match agrees with Go on seeded random pull secrets")
struct KubeletDifferentialTests {
    static let seed = 20_261_205
    static let cases = 3000

    static var go: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/lib/go/bin"])
            .map { URL(filePath: $0).appending(path: "go") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Case: Decodable {
        struct Secret: Decodable { let type: String; let manifest: String }
        struct Outcome: Decodable, Equatable {
            struct Match: Decodable, Equatable, CustomStringConvertible {
                let username: String
                let passwordFingerprint: String
                var description: String { "\(username) (\(passwordFingerprint))" }
            }
            let refused: Bool
            let matches: [Match]
        }
        let image: String
        let secrets: [Secret]
        let expected: Outcome
    }

    @Test("every case: refused or not, and the same credentials in the same order",
          .enabled(if: go != nil, "go is not installed: apt-get install golang-go (scripts/test does)"))
    func agreesWithGo() throws {
        let cases = try Self.generate()
        #expect(cases.count == Self.cases)
        var disagreements: [String] = []
        var refused = 0
        var matched = 0
        for (index, testCase) in cases.enumerated() {
            let sources = try testCase.secrets.enumerated().map { position, secret in
                MatchSource(name: "secret-\(position)", secret: try KubeletPullSecret(parsing: secret.manifest))
            }
            let report = try MatchImage.report(image: testCase.image, sources: sources)
            // What `regcred match -o json` prints, read back.
            let json = try JSONDecoder().decode(PrintedReport.self, from: Data(MatchImage.render(report, as: .json).utf8))
            let actual = Case.Outcome(
                refused: json.pullFails,
                // A refused keyring sends nothing; the rows only say what would be tried once it is fixed.
                matches: json.pullFails ? [] : json.entries.filter(\.matched).map { Case.Outcome.Match(username: $0.username ?? "", passwordFingerprint: $0.passwordFingerprint ?? "") })
            if actual != testCase.expected {
                let configs = testCase.secrets.map { secret -> String in
                    let data = (try? JSONValue(parsing: Data(secret.manifest.utf8)))?["data"]?.objectValue?.values.first?.stringValue
                    return data.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? secret.manifest
                }
                disagreements.append(
                    "case \(index): image \(testCase.image), secrets \(configs): Go \(testCase.expected.refused ? "refuses" : "sends \(testCase.expected.matches)"), "
                        + "regcred \(actual.refused ? "refuses (\(json.refused.map(\.reason)))" : "sends \(actual.matches)")")
            }
            if testCase.expected.refused { refused += 1 }
            if !testCase.expected.matches.isEmpty { matched += 1 }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(cases.count) cases differ; first: \(disagreements.prefix(3).joined(separator: "\n"))")
        // The generator must exercise both outcomes, or the comparison says little.
        #expect(refused > Self.cases / 10 && matched > Self.cases / 10, "refused \(refused), matched \(matched)")
    }

    struct PrintedReport: Decodable {
        struct Row: Decodable {
            let matched: Bool
            let username: String?
            let passwordFingerprint: String?
        }
        struct Refusal: Decodable { let reason: String }
        let entries: [Row]
        let refused: [Refusal]
        let pullFails: Bool
    }

    /// Builds the Go program in a temporary GOPATH and cache (offline: standard library only)
    /// and runs it.
    static func generate() throws -> [Case] {
        let work = FileManager.default.temporaryDirectory.appending(path: "regcred-kubelet-reference-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let source = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appending(path: "KubeletReference")
        let binary = work.appending(path: "kubeletreference")
        var environment = ProcessInfo.processInfo.environment
        environment["GOCACHE"] = work.appending(path: "cache").path
        environment["GOPATH"] = work.appending(path: "gopath").path
        environment["HOME"] = work.path
        environment["GOTOOLCHAIN"] = "local"
        environment["GOPROXY"] = "off"
        environment["GOFLAGS"] = ""
        environment["CGO_ENABLED"] = "0"
        _ = try run(go!, ["build", "-o", binary.path, "main.go"], in: source, environment: environment)
        let output = try run(binary, ["-seed", String(seed), "-cases", String(cases)], in: work, environment: environment)
        return try JSONDecoder().decode([Case].self, from: output)
    }

    struct ToolFailed: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String]) throws -> Data {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting: the output is larger than a pipe's buffer.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolFailed(description: "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(errorText)")
        }
        return data
    }
}
