// The built binary's help, version and completion commands: help discussions are paragraphs that
// ArgumentParser wraps (no line breaks inside a paragraph), `regcred version` reports the build
// stamp, and `regcred completion` prints a script for each shell.
import Foundation
import TestPeers
import Testing

@Suite("help, version and completion")
struct HelpAndVersionTests {
    /// Every command with a discussion.
    static let commands: [[String]] = [
        [], ["create"], ["update"], ["controller"], ["delete"], ["doctor"], ["match"], ["profiles"], ["rotate"], ["show"],
        ["verify"], ["scan"], ["rbac"], ["credential-provider"], ["completion"], ["version"],
    ]

    /// The part of `--help` before USAGE: the abstract and the discussion.
    static func overview(_ help: String) -> String {
        help.components(separatedBy: "\nUSAGE:").first ?? help
    }

    /// Lines of a paragraph that continue on the next line: a line of text followed by another
    /// line of text, neither indented (indented lines are examples, kept as written) nor a list
    /// item, and the first not introducing what follows with a colon.
    static func brokenParagraphs(in text: String) -> [String] {
        let lines = text.components(separatedBy: "\n")
        var broken: [String] = []
        for (line, next) in zip(lines, lines.dropFirst()) {
            let isText = { (candidate: String) in
                !candidate.isEmpty && !candidate.hasPrefix(" ") && !candidate.hasPrefix("- ")
            }
            if isText(line), isText(next), !line.hasSuffix(":") {
                broken.append("\(line) ⏎ \(next)")
            }
        }
        return broken
    }

    @Test("the rule finds a sentence broken over two lines, and leaves paragraphs, examples and lists alone")
    func brokenParagraphRule() {
        #expect(Self.brokenParagraphs(in: "Refuses secrets that are not\npull secrets.") == ["Refuses secrets that are not ⏎ pull secrets."])
        #expect(Self.brokenParagraphs(in: "One paragraph.\n\nAnother.") == [])
        #expect(Self.brokenParagraphs(in: "Examples:\n  regcred a\n  regcred b\n\nAfter.") == [])
        #expect(Self.brokenParagraphs(in: "Steps:\n- one\n- two") == [])
    }

    @Test("help discussions are paragraphs: no line break inside one", arguments: commands)
    func discussionIsParagraphs(command: [String]) async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            // Wide enough that ArgumentParser wraps nothing: every break left is in the source text.
            let outcome = try await regcred.run(command + ["--help"], environment: ["COLUMNS": "2000"])
            #expect(outcome.status == 0, "\(outcome.summary)")
            let overview = Self.overview(outcome.standardOutput)
            #expect(overview.contains("OVERVIEW:"), "\(outcome.summary)")
            #expect(Self.brokenParagraphs(in: overview) == [], "regcred \(command.joined(separator: " ")) --help")
        }
    }

    @Test("examples (indented lines) fit in 80 columns, so that ArgumentParser never wraps them", arguments: commands)
    func examplesFitEightyColumns(command: [String]) async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let outcome = try await regcred.run(command + ["--help"], environment: ["COLUMNS": "2000"])
            let overview = Self.overview(outcome.standardOutput)
            let long = overview.components(separatedBy: "\n").filter { $0.hasPrefix(" ") && $0.count > 80 }
            #expect(long == [], "regcred \(command.joined(separator: " ")) --help")
        }
    }

    @Test("regcred version says the version, and unknown revision and date for a plain swift build")
    func versionText() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let outcome = try await regcred.run(["version"])
            #expect(outcome.status == 0, "\(outcome.summary)")
            let lines = outcome.standardOutput.components(separatedBy: "\n")
            #expect(lines.first?.hasPrefix("regcred ") == true, "\(outcome.summary)")
            #expect(lines.contains { $0.hasPrefix("revision:") && $0.hasSuffix(" unknown") }, "\(outcome.summary)")
            #expect(lines.contains { $0.hasPrefix("build date:") && $0.hasSuffix(" unknown") }, "\(outcome.summary)")
        }
    }

    @Test("regcred version -o json has version, revision, buildDate and platform; --version prints the same version")
    func versionJSON() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let outcome = try await regcred.run(["version", "-o", "json"])
            #expect(outcome.status == 0, "\(outcome.summary)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: String])
            #expect(Set(object.keys) == ["version", "revision", "buildDate", "platform"])
            #expect(object["revision"] == "unknown")
            let version = try #require(object["version"])
            #expect(version.split(separator: ".").count == 3, "not a SemVer version: \(version)")

            let short = try await regcred.run(["--version"])
            #expect(short.status == 0)
            #expect(short.standardOutput == version + "\n")
        }
    }

    @Test("regcred version refuses an unknown output format with exit 64")
    func versionBadFormat() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let outcome = try await regcred.run(["version", "-o", "yaml"])
            #expect(outcome.status == 64, "\(outcome.summary)")
            #expect(outcome.standardOutput.isEmpty)
        }
    }

    @Test("regcred completion prints a script for the shell that names the commands", arguments: [
        ("bash", "-F _regcred regcred"), ("zsh", "#compdef regcred"), ("fish", "complete -c 'regcred'"),
    ])
    func completionScript(shell: String, marker: String) async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let outcome = try await regcred.run(["completion", shell])
            #expect(outcome.status == 0, "\(outcome.summary)")
            #expect(outcome.standardOutput.contains(marker), "no \(marker) in the \(shell) script")
            for command in ["create", "update", "controller", "version", "completion"] {
                #expect(outcome.standardOutput.contains(command), "the \(shell) script does not complete \(command)")
            }
            if shell == "bash" {
                // bash itself reads the script: it must at least parse.
                let script = try directory.write(outcome.standardOutput, to: "regcred.bash")
                let parse = try await ChildProcess.run(
                    try InstalledTool.require("bash"), arguments: ["-n", script],
                    environment: ChildProcess.cleanEnvironment(home: regcred.home))
                #expect(parse.status == 0, "\(parse.summary)")
            }
        }
    }

    @Test("regcred completion refuses a shell it does not know with exit 64")
    func completionUnknownShell() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let outcome = try await regcred.run(["completion", "powershell"])
            #expect(outcome.status == 64, "\(outcome.summary)")
        }
    }

    /// The codes of the README's "Exit codes" table: the first cell of each row below the heading.
    static func readmeExitCodes() throws -> [Int] {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = text.components(separatedBy: "### Exit codes").dropFirst().first ?? ""
        let table = section.components(separatedBy: "\n").drop { !$0.hasPrefix("|") }.prefix { $0.hasPrefix("|") }
        return table.compactMap { row in Int(row.split(separator: "|").first?.trimmingCharacters(in: .whitespaces) ?? "") }
    }

    @Test("README's exit-code table lists every code regcred --help names, and no other")
    func readmeListsEveryExitCode() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let outcome = try await regcred.run(["--help"], environment: ["COLUMNS": "2000"])
            #expect(outcome.status == 0, "\(outcome.summary)")
            let paragraph = outcome.standardOutput.components(separatedBy: "\n").first { $0.hasPrefix("Exit codes: ") }
            let helpCodes = (paragraph ?? "").dropFirst("Exit codes: ".count).components(separatedBy: "; ")
                .compactMap { Int($0.prefix { $0.isNumber }) }
            #expect(helpCodes.count >= 10, "regcred --help lists no exit codes: \(outcome.standardOutput)")
            #expect(try Self.readmeExitCodes() == helpCodes)
        }
    }
}
