// Runs the built regcred binary the way a user's shell would, but isolated: a clean
// environment, a HOME of its own, the test's temporary directory as working directory.
import Foundation
import TestPeers

struct RegcredProcess {
    let executable: URL
    /// HOME and working directory of every run.
    let home: URL
    /// Added to the clean environment on every run (e.g. GNUPGHOME).
    var environment: [String: String]

    init(in directory: TemporaryDirectory, environment: [String: String] = [:]) throws {
        self.executable = try RegcredBinary.locate()
        self.home = try directory.makeDirectory("regcred-home")
        self.environment = environment
    }

    /// Runs `regcred ARGUMENTS`. `environment` entries are added for this run; a nil value
    /// removes a variable (e.g. PATH, to run without gpg).
    func run(
        _ arguments: [String], standardInput: String? = nil, environment extra: [String: String?] = [:]
    ) async throws -> ProcessOutcome {
        var environment = ChildProcess.cleanEnvironment(home: home).merging(self.environment) { _, new in new }
        for (name, value) in extra { environment[name] = value }
        return try await ChildProcess.run(
            executable, arguments: arguments, standardInput: standardInput.map { Data($0.utf8) },
            environment: environment, currentDirectory: home, timeout: .seconds(120))
    }
}
