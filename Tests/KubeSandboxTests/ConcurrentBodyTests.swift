// Request bodies under concurrency: many clients (AsyncHTTPClient connections and kubectl
// processes) send large bodies to TLS sandboxes at once while other sandboxes start and stop
// beside them, and every stored object holds exactly the bytes that were sent; a body in a media
// type the sandbox does not read (protobuf, which kubectl 1.30 and later send) is refused with
// 415 instead of being read as broken JSON, which once looked like a body cut short.
import AsyncHTTPClient
import Foundation
import KubeSandbox
import NIOSSL
import RegcredCore
import TestPeers
import Testing

@Suite(.enabled(if: Kubectl.isInstalled, "kubectl is not installed"))
struct ConcurrentBodyTests {
    static func client(trusting sandbox: KubeSandbox) throws -> HTTPClient {
        let material = try #require(sandbox.tlsMaterial)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(material.caPEM.utf8), format: .pem)])
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        // One connection per request in flight: the bodies interleave on the server.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Bytes of `size` that differ from name to name, so a body cut or mixed up with another is seen.
    static func payload(_ name: String, size: Int) -> String {
        let unit = "\(name):0123456789abcdefghijklmnopqrstuvwxyz|"
        return String(String(repeating: unit, count: size / unit.count + 1).prefix(size))
    }

    @Test("large bodies from 48 connections and 8 kubectl processes at once arrive whole, while sandboxes start and stop beside them")
    func bodiesArriveWhole() async throws {
        let sandbox = try await KubeSandbox.start(KubectlTests.options)
        let http = try Self.client(trusting: sandbox)
        let api = SandboxClient(sandbox, http: http)
        let kubectl = try Kubectl(sandbox)
        try await withRunning {
            let sizes = [1_000, 16_000, 70_000, 300_000]
            let churn = Task {
                // Other servers starting and stopping meanwhile, as other tests' sandboxes do; a few
                // only, so that the ports they take are not ones other tests' clients still retry.
                for _ in 0..<10 where !Task.isCancelled {
                    let other = try await KubeSandbox.start(KubectlTests.options)
                    try await Task.sleep(for: .milliseconds(30))
                    try await other.stop()
                }
            }
            let failures = try await withThrowingTaskGroup(of: String?.self) { group in
                for index in 0..<48 {
                    group.addTask {
                        let name = "http-\(index)"
                        let data = Self.payload(name, size: sizes[index % sizes.count])
                        let created = try await api.post("/api/v1/namespaces/default/secrets", secret(name, data: ["blob": data]))
                        guard created.status == 201 else { return "\(name): HTTP \(created.status) \(created.message)" }
                        let stored = try await api.get("/api/v1/namespaces/default/secrets/\(name)").body
                        return stored["data"]?["blob"]?.stringValue == base64(data) ? nil : "\(name): stored data differs"
                    }
                }
                for index in 0..<8 {
                    group.addTask {
                        let name = "kubectl-\(index)"
                        let data = Self.payload(name, size: sizes[index % sizes.count])
                        let file = kubectl.home.appendingPathComponent("\(name).txt")
                        try data.write(to: file, atomically: true, encoding: .utf8)
                        let created = try await kubectl.run("create", "secret", "generic", name, "--from-file=blob=\(file.path)")
                        guard created.status == 0 else { return "\(name): \(created.summary)" }
                        let stored = try await api.get("/api/v1/namespaces/default/secrets/\(name)").body
                        return stored["data"]?["blob"]?.stringValue == base64(data) ? nil : "\(name): stored data differs"
                    }
                }
                var failures: [String] = []
                for try await failure in group { if let failure { failures.append(failure) } }
                return failures
            }
            churn.cancel()
            _ = await churn.result
            #expect(failures == [])
        } finally: {
            try await http.shutdown()
            try await sandbox.stop()
        }
    }

    @Test("a protobuf body is refused with 415 naming the media types the sandbox reads, not parsed as JSON")
    func protobufBodyIsUnsupported() async throws {
        try await withSandbox { _, api in
            let refused = try await api.send(
                .POST, "/api/v1/namespaces/default/secrets", body: secret("proto"), contentType: "application/vnd.kubernetes.protobuf")
            #expect(refused.status == 415)
            #expect(refused.reason == "UnsupportedMediaType")
            #expect(refused.message == "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml")
            #expect(try await api.get("/api/v1/namespaces/default/secrets/proto").status == 404)
        }
    }

    @Test("kubectl for a sandbox is the release the sandbox matches (1.28) where a version dispatcher offers it")
    func kubectlMatchesTheSandboxRelease() async throws {
        try await withSandbox(KubectlTests.options) { sandbox, _ in
            let version = try await Kubectl(sandbox).run("version", "--client")
            #expect(version.status == 0, "\(version.summary)")
            let dispatcher = try #require(InstalledTool.find("kubectl")).resolvingSymlinksInPath()
            let release = dispatcher.deletingLastPathComponent().appendingPathComponent("kubectl.1.\(KubeSandbox.kubernetesMinorVersion)")
            if FileManager.default.isExecutableFile(atPath: release.path) {
                #expect(version.standardOutput.contains("v1.\(KubeSandbox.kubernetesMinorVersion)."), "\(version.standardOutput)")
            }
        }
    }
}
