// A real Docker distribution registry (Debian's docker-registry) for one test, listening only on
// 127.0.0.1, with TLS from a throw-away CA (or plain HTTP), authenticating with htpasswd (Basic)
// or with token auth (Bearer, from a token service the test runs). Stopped by the test that
// started it, whether the test returns or throws.
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

public struct DockerRegistry: Sendable {
    public enum Authentication: Sendable {
        /// Basic auth against bcrypt htpasswd entries, user → password.
        case htpasswd([String: String])
        /// Bearer tokens from a token service, verified against its signing certificate.
        case token(TokenService)
    }

    /// What the registry's `auth.token` section names (distribution's token auth spec).
    public struct TokenService: Sendable {
        public var realm: String
        public var service: String
        public var issuer: String
        public var signingCertificate: URL

        public init(realm: String, service: String, issuer: String, signingCertificate: URL) {
            self.realm = realm
            self.service = service
            self.issuer = issuer
            self.signingCertificate = signingCertificate
        }
    }

    /// `127.0.0.1:PORT`, the registry key and image reference host.
    public let host: String
    public let port: Int
    /// The CA that signed the registry's certificate (for `--ca-file`).
    public let caCertificate: URL
    /// Holds `ca.crt` for `skopeo --cert-dir`.
    public let clientTrustDirectory: URL
    private let htpasswdFile: URL
    private let logFile: URL
    private let home: URL
    private let process: ProcessHandle

    /// Starts a registry (HTTPS unless `tls` is false), runs `body`, and stops the registry
    /// whether `body` returns or throws.
    public static func withRunning<T>(
        in directory: TemporaryDirectory, authentication: Authentication, tls: Bool = true,
        _ body: (DockerRegistry) async throws -> T
    ) async throws -> T {
        let registry = try await start(in: directory, authentication: authentication, tls: tls)
        return try await TestPeers.withRunning { try await body(registry) } finally: { await registry.stop() }
    }

    /// What the registry has logged so far (for failure messages).
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Replaces the user's password in the htpasswd file (written aside, then renamed over it,
    /// so the registry never reads half a file). docker-registry 2.8 re-reads the file when its
    /// modification time changes, so no restart is needed.
    public func setPassword(_ password: String, for user: String) async throws {
        let entry = try await Self.htpasswdEntry(user: user, password: password, home: home)
        let staged = htpasswdFile.appendingPathExtension("new")
        try entry.write(to: staged)
        guard rename(staged.path, htpasswdFile.path) == 0 else {
            throw TestSupportError.unexpectedOutput("could not replace \(htpasswdFile.path): errno \(errno)")
        }
    }

    /// Pushes a one-layer image from an OCI layout to `repository:tag` with skopeo, logging in
    /// with `user`/`password` through a docker config of its own.
    public func push(repository: String, tag: String, user: String, password: String, in directory: TemporaryDirectory) async throws {
        let skopeo = try InstalledTool.require("skopeo")
        let work = try directory.makeDirectory("push-\(repository.replacingOccurrences(of: "/", with: "-"))-\(tag)")
        let layout = work.appending(path: "layout", directoryHint: .isDirectory)
        try await OCIImageLayout.write(to: layout, tag: tag, greeting: "hello from \(repository)", home: work)
        let auth = Data("\(user):\(password)".utf8).base64EncodedString()
        let authFile = work.appending(path: "auth.json")
        try Data(#"{"auths":{"\#(host)":{"auth":"\#(auth)"}}}"#.utf8).write(to: authFile)
        let policy = work.appending(path: "policy.json")
        try Data(#"{"default":[{"type":"insecureAcceptAnything"}]}"#.utf8).write(to: policy)
        let outcome = try await ChildProcess.run(
            skopeo,
            arguments: [
                "--policy", policy.path, "copy", "--dest-cert-dir", clientTrustDirectory.path, "--authfile", authFile.path,
                "oci:\(layout.path):\(tag)", "docker://\(host)/\(repository):\(tag)",
            ],
            environment: ChildProcess.cleanEnvironment(home: work), currentDirectory: work, timeout: .seconds(180))
        guard outcome.status == 0 else { throw TestSupportError.toolFailed("skopeo copy to \(repository):\(tag)", outcome) }
    }

    // MARK: - Start and stop

    private static func start(in directory: TemporaryDirectory, authentication: Authentication, tls: Bool) async throws -> DockerRegistry {
        let executable = try InstalledTool.require("docker-registry")
        let root = try directory.makeDirectory("registry")
        let home = try directory.makeDirectory("registry/home")
        let authority = try await TestCertificateAuthority.make(in: root.appending(path: "pki"), home: home)
        let storage = try directory.makeDirectory("registry/storage")
        let htpasswdFile = root.appending(path: "htpasswd")

        let authYAML: String
        switch authentication {
        case .htpasswd(let users):
            var entries = Data()
            for (user, password) in users.sorted(by: { $0.key < $1.key }) {
                entries += try await htpasswdEntry(user: user, password: password, home: home)
            }
            try entries.write(to: htpasswdFile)
            authYAML = """
                  htpasswd:
                    realm: regcred-test
                    path: \(htpasswdFile.path)
                """
        case .token(let service):
            authYAML = """
                  token:
                    realm: \(service.realm)
                    service: \(service.service)
                    issuer: \(service.issuer)
                    rootcertbundle: \(service.signingCertificate.path)
                """
        }
        let tlsYAML = tls ? """
              tls:
                certificate: \(authority.serverCertificate.path)
                key: \(authority.serverKey.path)
            """ : ""

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
                \(tlsYAML)
                auth:
                \(authYAML)

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

            let registry = DockerRegistry(
                host: "127.0.0.1:\(port)", port: port, caCertificate: authority.caCertificate,
                clientTrustDirectory: authority.clientTrustDirectory, htpasswdFile: htpasswdFile, logFile: logFile,
                home: home, process: ProcessHandle(process))
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
    public func stop() async {
        await process.stop()
    }

    private static func htpasswdEntry(user: String, password: String, home: URL) async throws -> Data {
        // -B: bcrypt, the only hash docker-registry accepts; -n: print instead of editing a file.
        try await ChildProcess.runTool("htpasswd", ["-Bbn", user, password], home: home).standardOutputData
    }
}

/// A started child process, stoppable from any task. `Process` is not Sendable; this wrapper
/// only terminates, polls and kills it.
final class ProcessHandle: @unchecked Sendable {
    private let process: Process

    init(_ process: Process) { self.process = process }

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
}
