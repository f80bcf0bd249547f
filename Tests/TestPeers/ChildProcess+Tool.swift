// Running a test peer (openssl, htpasswd, tar …) by name, where anything but success means
// the scaffolding is broken rather than the code under test.
import Foundation

extension ChildProcess {
    /// Runs the installed tool `name` in a clean environment and throws unless it exits 0.
    @discardableResult
    public static func runTool(
        _ name: String, _ arguments: [String], standardInput: Data? = nil, home: URL,
        extraEnvironment: [String: String] = [:], currentDirectory: URL? = nil
    ) async throws -> ProcessOutcome {
        let outcome = try await run(
            try InstalledTool.require(name), arguments: arguments, standardInput: standardInput,
            environment: cleanEnvironment(home: home).merging(extraEnvironment) { _, new in new },
            currentDirectory: currentDirectory)
        guard outcome.status == 0 else {
            throw TestSupportError.toolFailed("\(name) \(arguments.joined(separator: " "))", outcome)
        }
        return outcome
    }
}
