// The CLI never writes pull-secret content the kubelet would refuse, never silently turns a
// secret of another type into a pull secret, and leaves a ClusterPullSecret's secrets to it.
// Offline through files, and in the cluster through a kubeconfig.
import Foundation
import RegcredCore
import TestPeers
import Testing

@Suite("CLI write gate", .serialized, .enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/kubectl"), "kubectl seeds and reads the cluster"))
struct WriteGateTests {
    static let brokenConfig = #"{"auths":{"ghcr.io":{"auth":"Ym90OnMzY3JldA=="},"quay.io":{"auth":"!!notbase64!!"}}}"#

    @Test("update -f of a document with an entry the kubelet refuses exits 65 naming the entry, file unchanged")
    func offlineUpdateRefusesBrokenDocument() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory, environment: ["NEW_TOKEN": "n3w-t0ken"])
            let file = try directory.write(Self.brokenConfig, to: "config.json")
            let outcome = try await regcred.run(["update", "-f", file, "--registry", "ghcr.io", "--password-env", "NEW_TOKEN", "--in-place"])
            #expect(outcome.status == 65, "\(outcome.summary)")
            #expect(outcome.standardError.contains(#"entry "quay.io": auth is not valid base64"#))
            #expect(outcome.standardError.contains("nothing was written"))
            #expect(!outcome.standardError.contains("!!notbase64!!"))
            #expect(try directory.read("config.json") == Data(Self.brokenConfig.utf8))
        }
    }

    @Test("create with a username containing ':' exits 65 and says why")
    func colonUsernameIsRefused() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory, environment: ["TOKEN": "s3cret"])
            let outcome = try await regcred.run([
                "create", "pull", "--registry", "ghcr.io", "--username", "team:bot", "--password-env", "TOKEN", "--dry-run=client",
            ])
            #expect(outcome.status == 65, "\(outcome.summary)")
            #expect(outcome.standardError.contains("the username contains ':'"))
            #expect(outcome.standardOutput.isEmpty)
        }
    }

    @Test("create --overwrite over an Opaque secret refuses (73) and changes nothing; with --force it replaces it and says what was lost")
    func overwriteOtherType() async throws {
        try await CLICluster.run { cluster in
            let seeded = try await cluster.kubectl([
                "create", "secret", "generic", "app-config", "-n", cluster.namespace, "--from-literal=db-password=keep-me",
                "--from-literal=api-key=keep-me-too",
            ])
            #expect(seeded.status == 0, "\(seeded.summary)")
            let create = ["create", "app-config", "--registry", "ghcr.io", "--username", "bot", "--password-env", "TOKEN", "--overwrite"]
            let refused = try await cluster.regcred(create)
            #expect(refused.status == 73, "\(refused.summary)")
            #expect(refused.standardError.contains("has type Opaque (keys: api-key, db-password)"))
            #expect(refused.standardError.contains("--force"))
            let kept = try await cluster.kubectl(["get", "secret", "app-config", "-n", cluster.namespace, "-o", "jsonpath={.type} {.data.db-password}"])
            #expect(kept.standardOutput == "Opaque \(Data("keep-me".utf8).base64EncodedString())")

            let forced = try await cluster.regcred(create + ["--force"])
            #expect(forced.status == 0, "\(forced.summary)")
            let replaced = try await cluster.kubectl(["get", "secret", "app-config", "-n", cluster.namespace, "-o", "jsonpath={.type}"])
            #expect(replaced.standardOutput == "kubernetes.io/dockerconfigjson")
            #expect(try await cluster.dockerConfig("app-config").authEntry("ghcr.io")?.decodedAuth == "bot:s3cret-t0ken")
        }
    }

    @Test("update and create --overwrite on a secret a ClusterPullSecret manages refuse without --force", arguments: [
        ["update", "managed", "--password-env", "NEW_TOKEN"],
        ["create", "managed", "--registry", "ghcr.io", "--username", "bot", "--password-env", "NEW_TOKEN", "--overwrite"],
    ])
    func managedSecretNeedsForce(arguments: [String]) async throws {
        try await CLICluster.run { cluster in
            #expect(try await cluster.regcred(["create", "managed", "--registry", "ghcr.io", "--username", "bot", "--password-env", "TOKEN"]).status == 0)
            let labelled = try await cluster.kubectl([
                "label", "secret", "managed", "-n", cluster.namespace, "app.kubernetes.io/managed-by=regcred", "regcred.dev/owner=ghcr",
            ])
            #expect(labelled.status == 0, "\(labelled.summary)")
            let refused = try await cluster.regcred(arguments)
            #expect(refused.status == 64, "\(refused.summary)")
            #expect(refused.standardError.contains("is managed by ClusterPullSecret ghcr"))
            #expect(try await cluster.dockerConfig("managed").authEntry("ghcr.io")?.decodedAuth == "bot:s3cret-t0ken")
            let forced = try await cluster.regcred(arguments + ["--force"])
            #expect(forced.status == 0, "\(forced.summary)")
            #expect(try await cluster.dockerConfig("managed").authEntry("ghcr.io")?.decodedAuth == "bot:n3w-t0ken")
        }
    }

    @Test("update of an immutable pull secret exits 73 with a hint; a broken entry in the cluster exits 65 naming it")
    func immutableAndBrokenInCluster() async throws {
        try await CLICluster.run { cluster in
            let manifest = """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"frozen","namespace":"\(cluster.namespace)"},"immutable":true,
                 "type":"kubernetes.io/dockerconfigjson","data":{".dockerconfigjson":"\(Data(#"{"auths":{"ghcr.io":{"auth":"Ym90OnMzY3JldA=="}}}"#.utf8).base64EncodedString())"}}
                """
            let broken = """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"broken","namespace":"\(cluster.namespace)"},
                 "type":"kubernetes.io/dockerconfigjson","data":{".dockerconfigjson":"\(Data(Self.brokenConfig.utf8).base64EncodedString())"}}
                """
            for (name, text) in [("frozen", manifest), ("broken", broken)] {
                let path = try cluster.directory.write(text, to: "\(name).json")
                let applied = try await cluster.kubectl(["create", "--validate=false", "-f", path])
                #expect(applied.status == 0, "\(applied.summary) \(applied.standardError)")
            }
            let frozen = try await cluster.regcred(["update", "frozen", "--password-env", "NEW_TOKEN"])
            #expect(frozen.status == 73, "\(frozen.summary)")
            #expect(frozen.standardError.contains("is immutable") && frozen.standardError.contains("regcred rotate"))
            let refused = try await cluster.regcred(["update", "broken", "--registry", "ghcr.io", "--password-env", "NEW_TOKEN"])
            #expect(refused.status == 65, "\(refused.summary)")
            #expect(refused.standardError.contains(#"entry "quay.io": auth is not valid base64"#))
            let unchanged = try await cluster.kubectl(["get", "secret", "broken", "-n", cluster.namespace, "-o", "jsonpath={.data.\\.dockerconfigjson}"])
            #expect(unchanged.standardOutput == Data(Self.brokenConfig.utf8).base64EncodedString())
        }
    }
}
