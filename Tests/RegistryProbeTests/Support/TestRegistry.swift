// A real Docker distribution registry (Debian's docker-registry) for one test, on 127.0.0.1 with
// TLS from a throw-away CA, authenticating with htpasswd (Basic) or with token auth (Bearer,
// backed by a TokenIssuer). Modelled on Tests/CLITests/Support/LocalRegistry.swift; test targets
// cannot share sources, so the process helpers in this folder are copies of CLITests' support.
import Foundation
import TestPeers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct TestRegistry {
    enum Authentication {
        /// Basic auth against bcrypt htpasswd entries, user → password.
        case htpasswd([String: String])
        /// Bearer tokens from `issuer`, verified against its signing certificate.
        case token(TokenIssuer)
    }

    /// `127.0.0.1:PORT`.
    let host: String
    let port: Int
    /// The CA that signed the registry's certificate (for `--ca-file`).
    let caCertificate: URL
    /// Holds `ca.crt` for `skopeo --cert-dir`.
    let clientTrustDirectory: URL
    private let logFile: URL
    private let process: Process

    /// Starts a registry (HTTPS unless `tls` is false), runs `body`, and stops the registry
    /// whether `body` returns or throws.
    static func withRunning<T>(
        in directory: TemporaryDirectory, authentication: Authentication, tls: Bool = true,
        _ body: (TestRegistry) async throws -> T
    ) async throws -> T {
        let registry = try await start(in: directory, authentication: authentication, tls: tls)
        do {
            let result = try await body(registry)
            await registry.stop()
            return result
        } catch {
            await registry.stop()
            throw error
        }
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    private static func start(in directory: TemporaryDirectory, authentication: Authentication, tls: Bool) async throws -> TestRegistry {
        let executable = try InstalledTool.require("docker-registry")
        let root = try directory.makeDirectory("registry")
        let home = try directory.makeDirectory("registry/home")
        let authority = try await TestCertificateAuthority.make(in: root.appending(path: "pki"), home: home)
        let storage = try directory.makeDirectory("registry/storage")

        let authYAML: String
        switch authentication {
        case .htpasswd(let users):
            let htpasswdFile = root.appending(path: "htpasswd")
            var entries = Data()
            for (user, password) in users.sorted(by: { $0.key < $1.key }) {
                // -B: bcrypt, the only hash docker-registry accepts; -n: print instead of editing a file.
                entries += try await ChildProcess.runTool("htpasswd", ["-Bbn", user, password], home: home).standardOutputData
            }
            try entries.write(to: htpasswdFile)
            authYAML = """
                  htpasswd:
                    realm: regcred-test
                    path: \(htpasswdFile.path)
                """
        case .token(let issuer):
            authYAML = """
                  token:
                    realm: \(issuer.realm)
                    service: \(issuer.service)
                    issuer: \(issuer.issuer)
                    rootcertbundle: \(issuer.signingCertificate.path)
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

            let registry = TestRegistry(
                host: "127.0.0.1:\(port)", port: port, caCertificate: authority.caCertificate,
                clientTrustDirectory: authority.clientTrustDirectory, logFile: logFile, process: process)
            if try await TCPPortProbe.waitUntilAccepting(port: port, stillStarting: { process.isRunning }) {
                return registry
            }
            lastLog = registry.log
            await registry.stop()
            guard lastLog.contains("address already in use") else { break }
        }
        throw TestSupportError.serverDidNotStart("docker-registry", log: lastLog)
    }

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

    /// Pushes a one-layer image from an OCI layout to `repository:tag` with skopeo, logging in
    /// with `user`/`password` through a docker config of its own.
    func push(repository: String, tag: String, user: String, password: String, in directory: TemporaryDirectory) async throws {
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
}
