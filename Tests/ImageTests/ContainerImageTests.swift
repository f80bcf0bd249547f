// The container image scripts/image builds, checked as a registry and a runtime see it: pushed
// with skopeo to a real docker-registry (TLS + htpasswd) and inspected there (user, entrypoint,
// labels, digest), then unpacked with umoci and run with unshare + chroot. Runs when scripts/test has built
// the image and set REGCRED_IMAGE_LAYOUT (the OCI layout) and REGCRED_IMAGE_TAG.
import Foundation
import TestPeers
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The OCI layout under test, from the environment scripts/test sets.
struct BuiltImage {
    let layout: URL
    let tag: String

    static var fromEnvironment: BuiltImage? {
        let environment = ProcessInfo.processInfo.environment
        guard let layout = environment["REGCRED_IMAGE_LAYOUT"], !layout.isEmpty,
              let tag = environment["REGCRED_IMAGE_TAG"], !tag.isEmpty
        else { return nil }
        return BuiltImage(layout: URL(filePath: layout), tag: tag)
    }

    /// `sha256:…` of the image manifest, from the layout's index.json.
    func manifestDigest() throws -> String {
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: layout.appending(path: "index.json"))) as? [String: Any]
        let manifests = index?["manifests"] as? [[String: Any]]
        guard let digest = manifests?.first?["digest"] as? String else {
            throw TestSupportError.unexpectedOutput("no manifest digest in \(layout.path)/index.json")
        }
        return digest
    }
}

@Suite("container image", .enabled(if: BuiltImage.fromEnvironment != nil, "set by scripts/test after scripts/image"))
struct ContainerImageTests {
    static let user = "pusher"
    static let password = "image-test-password"

    /// skopeo with a policy that accepts unsigned images, an auth file for the registry, and its CA.
    struct Skopeo {
        let executable: URL
        let work: URL
        let registry: DockerRegistry
        let authFile: URL
        let policy: URL

        init(registry: DockerRegistry, directory: TemporaryDirectory) throws {
            executable = try InstalledTool.require("skopeo")
            work = try directory.makeDirectory("skopeo")
            self.registry = registry
            authFile = work.appending(path: "auth.json")
            let auth = Data("\(ContainerImageTests.user):\(ContainerImageTests.password)".utf8).base64EncodedString()
            try Data(#"{"auths":{"\#(registry.host)":{"auth":"\#(auth)"}}}"#.utf8).write(to: authFile)
            policy = work.appending(path: "policy.json")
            try Data(#"{"default":[{"type":"insecureAcceptAnything"}]}"#.utf8).write(to: policy)
        }

        func run(_ arguments: [String]) async throws -> ProcessOutcome {
            try await ChildProcess.run(
                executable, arguments: ["--policy", policy.path] + arguments,
                environment: ChildProcess.cleanEnvironment(home: work), currentDirectory: work, timeout: .seconds(180))
        }
    }

    @Test("pushed to a registry with TLS and htpasswd, the image keeps its digest and says how it runs")
    func pushAndInspect() async throws {
        let image = try #require(BuiltImage.fromEnvironment)
        try await TemporaryDirectory.with { directory in
            try await DockerRegistry.withRunning(in: directory, authentication: .htpasswd([Self.user: Self.password])) { registry in
                let skopeo = try Skopeo(registry: registry, directory: directory)
                let reference = "docker://\(registry.host)/regcred/regcred:\(image.tag)"
                let push = try await skopeo.run([
                    "copy", "--dest-cert-dir", registry.clientTrustDirectory.path, "--authfile", skopeo.authFile.path,
                    "oci:\(image.layout.path):\(image.tag)", reference,
                ])
                #expect(push.status == 0, "\(push.summary)\n--- registry ---\n\(registry.log)")

                let inspect = try await skopeo.run([
                    "inspect", "--cert-dir", registry.clientTrustDirectory.path, "--authfile", skopeo.authFile.path, reference,
                ])
                #expect(inspect.status == 0, "\(inspect.summary)")
                let manifest = try #require(try JSONSerialization.jsonObject(with: inspect.standardOutputData) as? [String: Any])
                #expect(manifest["Digest"] as? String == (try image.manifestDigest()), "the registry holds other bytes than the layout")
                #expect(manifest["Architecture"] as? String == "amd64" || manifest["Architecture"] as? String == "arm64")
                #expect(manifest["Os"] as? String == "linux")
                let labels = try #require(manifest["Labels"] as? [String: String])
                #expect(labels["org.opencontainers.image.version"] == image.tag)
                #expect(labels["org.opencontainers.image.licenses"]?.isEmpty == false)
                #expect(labels["org.opencontainers.image.source"]?.hasPrefix("https://") == true)
                let revision = try #require(labels["org.opencontainers.image.revision"])
                #expect(revision.count == 40 && revision.allSatisfy(\.isHexDigit), "revision label \(revision)")

                let configOutcome = try await skopeo.run([
                    "inspect", "--config", "--cert-dir", registry.clientTrustDirectory.path, "--authfile", skopeo.authFile.path, reference,
                ])
                #expect(configOutcome.status == 0, "\(configOutcome.summary)")
                let configDocument = try #require(try JSONSerialization.jsonObject(with: configOutcome.standardOutputData) as? [String: Any])
                let config = try #require(configDocument["config"] as? [String: Any])
                #expect(config["User"] as? String == "65532:65532")
                #expect(config["Entrypoint"] as? [String] == ["regcred"])
                #expect(config["Cmd"] as? [String] == ["controller"])

                let anonymous = try await ChildProcess.run(
                    skopeo.executable,
                    arguments: ["--policy", skopeo.policy.path, "inspect", "--cert-dir", registry.clientTrustDirectory.path, "--no-creds", reference],
                    environment: ChildProcess.cleanEnvironment(home: skopeo.work), currentDirectory: skopeo.work)
                #expect(anonymous.status != 0, "the registry let an anonymous client read the image: htpasswd is not in force")
            }
        }
    }

    @Test("unpacked with umoci, the root filesystem runs regcred as uid 65532 under chroot",
          .enabled(if: getuid() == 0, "umoci unpack, unshare and chroot need root"))
    func unpackAndRun() async throws {
        let image = try #require(BuiltImage.fromEnvironment)
        try await TemporaryDirectory.with { directory in
            let home = try directory.makeDirectory("home")
            let bundle = directory.file("bundle")
            try await ChildProcess.runTool(
                "umoci", ["unpack", "--image", "\(image.layout.path):\(image.tag)", bundle.path], home: home)
            let rootfs = bundle.appending(path: "rootfs")
            // Every container runtime mounts /proc; the Swift runtime of a static binary reads its
            // arguments from /proc/self/cmdline.
            try FileManager.default.createDirectory(at: rootfs.appending(path: "proc"), withIntermediateDirectories: true)

            // What the runtime would do: a mount and PID namespace of its own with /proc, the
            // image's PATH, the image's user, its root filesystem only.
            func inImage(_ arguments: [String]) async throws -> ProcessOutcome {
                try await ChildProcess.run(
                    try InstalledTool.require("unshare"),
                    arguments: [
                        "--mount", "--pid", "--fork", "--mount-proc=\(rootfs.path)/proc",
                        try InstalledTool.require("chroot").path, "--userspec=65532:65532", rootfs.path,
                    ] + arguments,
                    environment: ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/home/nonroot"], currentDirectory: home)
            }

            let version = try await inImage(["regcred", "--version"])
            #expect(version.status == 0, "\(version.summary)")
            #expect(version.standardOutput == image.tag + "\n")

            let stamp = try await inImage(["regcred", "version", "-o", "json"])
            #expect(stamp.status == 0, "\(stamp.summary)")
            let fields = try #require(try JSONSerialization.jsonObject(with: stamp.standardOutputData) as? [String: String])
            #expect(fields["revision"]?.count == 40, "the image's binary carries no git revision: \(stamp.summary)")
            #expect(fields["buildDate"]?.hasSuffix("Z") == true, "the image's binary carries no build date: \(stamp.summary)")

            let help = try await inImage(["regcred", "controller", "--help"])
            #expect(help.status == 0, "\(help.summary)")
            #expect(help.standardOutput.contains("--leader-elect"))

            let passwd = try String(contentsOf: rootfs.appending(path: "etc/passwd"), encoding: .utf8)
            #expect(passwd.contains(":65532:65532:"))
            let group = try String(contentsOf: rootfs.appending(path: "etc/group"), encoding: .utf8)
            #expect(group.contains(":65532:"))
            #expect(FileManager.default.fileExists(atPath: rootfs.appending(path: "etc/ssl/certs/ca-certificates.crt").path))
            // Nothing but the binary in bin/: no shell, no package manager.
            let binaries = try FileManager.default.contentsOfDirectory(atPath: rootfs.appending(path: "usr/local/bin").path)
            #expect(binaries == ["regcred"])
            #expect(!FileManager.default.fileExists(atPath: rootfs.appending(path: "bin/sh").path))
        }
    }
}
