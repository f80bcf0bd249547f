// The differential test against Go through the shipped command: the first cases of the Go
// oracle (Tests/KubeletReference), written as Secret manifests and given to `regcred match -f …
// -o json`. OperationsTests compares all 3000 cases in-process; this checks that the binary's
// file reading and JSON say the same. Skipped, saying why, where `go` is not installed.
import Foundation
import TestPeers
import Testing

@Suite("regcred match -o json agrees with Go")
struct KubeletDifferentialCLITests {
    static let seed = 20_261_205
    static let cases = 60

    struct Case: Decodable {
        struct Secret: Decodable { let manifest: String }
        struct Outcome: Decodable {
            struct Match: Decodable, Equatable { let username: String; let passwordFingerprint: String }
            let refused: Bool
            let matches: [Match]
        }
        let image: String
        let secrets: [Secret]
        let expected: Outcome
    }

    struct Printed: Decodable {
        struct Row: Decodable { let matched: Bool; let username: String?; let passwordFingerprint: String? }
        let entries: [Row]
        let pullFails: Bool
    }

    @Test("the binary's report matches the Go oracle, case by case",
          .enabled(if: InstalledTool.find("go") != nil, "go is not installed: apt-get install golang-go (scripts/test does)"))
    func binaryAgrees() async throws {
        try await TemporaryDirectory.with { directory in
            let source = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appending(path: "KubeletReference")
            var environment = ChildProcess.cleanEnvironment(home: directory.url)
            environment["GOCACHE"] = directory.path("go-cache")
            environment["GOPATH"] = directory.path("go-path")
            environment["GOTOOLCHAIN"] = "local"
            environment["GOPROXY"] = "off"
            environment["CGO_ENABLED"] = "0"
            let built = try await ChildProcess.run(
                try InstalledTool.require("go"), arguments: ["build", "-o", directory.path("kubeletreference"), "main.go"],
                environment: environment, currentDirectory: source)
            try #require(built.status == 0, "\(built.summary)")
            let generated = try await ChildProcess.run(
                directory.file("kubeletreference"), arguments: ["-seed", String(Self.seed), "-cases", String(Self.cases)],
                environment: environment, currentDirectory: directory.url)
            try #require(generated.status == 0, "\(generated.summary)")
            let cases = try JSONDecoder().decode([Case].self, from: generated.standardOutputData)

            let regcred = try RegcredProcess(in: directory)
            var disagreements: [String] = []
            for (index, testCase) in cases.enumerated() {
                var arguments = ["match", testCase.image, "-o", "json"]
                for (position, secret) in testCase.secrets.enumerated() {
                    arguments += ["-f", try directory.write(secret.manifest, to: "case-\(index)-\(position).json")]
                }
                let outcome = try await regcred.run(arguments)
                guard outcome.status == 0 || outcome.status == 1 else {
                    disagreements.append("case \(index): exit \(outcome.status): \(outcome.standardError)")
                    continue
                }
                let printed = try JSONDecoder().decode(Printed.self, from: outcome.standardOutputData)
                let matches = printed.pullFails ? [] : printed.entries.filter(\.matched).map {
                    Case.Outcome.Match(username: $0.username ?? "", passwordFingerprint: $0.passwordFingerprint ?? "")
                }
                if printed.pullFails != testCase.expected.refused || matches != testCase.expected.matches {
                    disagreements.append("case \(index) (\(testCase.image)): Go refused=\(testCase.expected.refused) \(testCase.expected.matches), regcred refused=\(printed.pullFails) \(matches)")
                }
                // Exit 1 exactly when the kubelet refuses or sends nothing.
                let sends = !testCase.expected.refused && !testCase.expected.matches.isEmpty
                if (outcome.status == 0) != sends { disagreements.append("case \(index): exit \(outcome.status), Go sends credentials: \(sends)") }
            }
            #expect(disagreements.isEmpty, "\(disagreements.prefix(5).joined(separator: "\n"))")
        }
    }
}
