// A real Docker distribution registry (Debian's docker-registry) for one test: htpasswd
// (bcrypt) authentication, TLS from a throw-away CA, listening only on 127.0.0.1.
import Foundation
import TestPeers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct LocalRegistry {
    /// `127.0.0.1:PORT`, the registry key and image reference host.
    let host: String
    /// Holds `ca.crt` for `skopeo --cert-dir`.
    let clientTrustDirectory: URL
    private let htpasswdFile: URL
    private let logFile: URL
    private let home: URL
    private let process: Process

    /// Starts a registry accepting `user`/`password`, runs `body`, and stops the registry
    /// whether `body` returns or throws.
    static func withRunning<T>(
        in directory: TemporaryDirectory, user: String, password: String,
        _ body: (LocalRegistry) async throws -> T
    ) async throws -> T {
        let registry = try await start(in: directory, user: user, password: password)
        do {
            let result = try await body(registry)
            await registry.stop()
            return result
        } catch {
            await registry.stop()
            throw error
        }
    }

    /// Replaces the user's password in the htpasswd file (written aside, then renamed over it,
    /// so the registry never reads half a file). docker-registry 2.8 re-reads the file when its
    /// modification time changes, so no restart is needed.
    func setPassword(_ password: String, for user: String) async throws {
        let entry = try await Self.htpasswdEntry(user: user, password: password, home: home)
        let staged = htpasswdFile.appendingPathExtension("new")
        try entry.write(to: staged)
        guard rename(staged.path, htpasswdFile.path) == 0 else {
            throw TestSupportError.unexpectedOutput("could not replace \(htpasswdFile.path): errno \(errno)")
        }
    }

    /// What the registry has logged so far (for failure messages).
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    // MARK: - Start and stop

    private static func start(in directory: TemporaryDirectory, user: String, password: String) async throws
        -> LocalRegistry
    {
        let executable = try InstalledTool.require("docker-registry")
        let root = try directory.makeDirectory("registry")
        let home = try directory.makeDirectory("registry/home")
        let authority = try await TestCertificateAuthority.make(in: root.appending(path: "pki"), home: home)
        let htpasswdFile = root.appending(path: "htpasswd")
        try await htpasswdEntry(user: user, password: password, home: home).write(to: htpasswdFile)
        let storage = try directory.makeDirectory("registry/storage")

        var lastLog = ""
        for attempt in 1...3 {
            let port = try FreePort.pick()
            let config = root.appending(path: "config-\(attempt).yml")
            let yaml = """
                version: 0.1
                log:
                  level: info
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: \(storage.path)
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:\(port)
                  tls:
                    certificate: \(authority.serverCertificate.path)
                    key: \(authority.serverKey.path)
                auth:
                  htpasswd:
                    realm: regcred-test
                    path: \(htpasswdFile.path)

                """
            try Data(yaml.utf8).write(to: config)

            let logFile = root.appending(path: "registry-\(attempt).log")
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
            let logHandle = try FileHandle(forWritingTo: logFile)
            let process = Process()
            process.executableURL = executable
            process.arguments = ["serve", config.path]
            process.environment = ChildProcess.cleanEnvironment(home: home)
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = logHandle
            process.standardError = logHandle
            try process.run()
            try? logHandle.close()

            let registry = LocalRegistry(
                host: "127.0.0.1:\(port)", clientTrustDirectory: authority.clientTrustDirectory,
                htpasswdFile: htpasswdFile, logFile: logFile, home: home, process: process)
            if try await TCPPortProbe.waitUntilAccepting(port: port, stillStarting: { process.isRunning }) {
                return registry
            }
            lastLog = registry.log
            await registry.stop()
            // Another process may have taken the port between FreePort.pick and the bind.
            guard lastLog.contains("address already in use") else { break }
        }
        throw TestSupportError.serverDidNotStart("docker-registry", log: lastLog)
    }

    /// Sends SIGTERM and waits for the registry to exit (SIGKILL if it will not).
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private static func htpasswdEntry(user: String, password: String, home: URL) async throws -> Data {
        // -B: bcrypt, the only hash docker-registry accepts; -n: print instead of editing a file.
        try await ChildProcess.runTool("htpasswd", ["-Bbn", user, password], home: home).standardOutputData
    }
}
