// Where the regcred executable under test is: REGCRED_BIN, else beside the test bundle, else
// .build/debug/regcred under the package root.
import Foundation
import TestPeers

enum RegcredBinary {
    static func locate(filePath: String = #filePath) throws -> URL {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["REGCRED_BIN"], !explicit.isEmpty {
            candidates.append(URL(filePath: explicit))
        }
        // `swift test` runs the test bundle from the build products folder, next to `regcred`.
        if let runner = CommandLine.arguments.first {
            let runnerURL = URL(filePath: runner).standardizedFileURL.resolvingSymlinksInPath()
            candidates.append(runnerURL.deletingLastPathComponent().appending(path: "regcred"))
        }
        // Tests/CLITests/Support/RegcredBinary.swift → package root.
        let packageRoot = URL(filePath: filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appending(path: ".build/debug/regcred"))

        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        throw TestSupportError.regcredNotBuilt(searched: candidates.map(\.path))
    }
}
