// match, show and doctor read a pull secret the way the kubelet does: a secret it refuses is
// refused by all three, repeated keys and other letter cases are read as Go reads them (and
// show says so), several secrets form one keyring in the kubelet's order, and YAML that would
// expand without bound is refused before it is built.
import Foundation
import TestPeers
import Testing

@Suite("the kubelet's reading, in match, show and doctor")
struct KubeletReadingTests {
    typealias Fixtures = BadInputFixtures
    static let canary = Fixtures.canary

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// Secrets the kubelet refuses as a whole, and the entry each one names.
    static let refused: [(label: String, config: String, entry: String)] = [
        ("auth that is not base64", #"{"auths":{"ghcr.io":{"auth":"\#(Self.base64("bot:" + Self.canary))"},"quay.io":{"auth":"%%\#(Self.canary)%%"}}}"#, "quay.io"),
        ("auth without a colon", #"{"auths":{"ghcr.io":{"auth":"\#(Self.base64("bot:" + Self.canary))"},"quay.io":{"auth":"\#(Self.base64("bot" + Self.canary))"}}}"#, "quay.io"),
        ("a field in another letter case of the wrong type", #"{"auths":{"ghcr.io":{"auth":"\#(Self.base64("bot:" + Self.canary))"},"quay.io":{"Password":7}}}"#, "quay.io"),
        ("an HttpHeaders value that is not a string", #"{"auths":{"ghcr.io":{"auth":"\#(Self.base64("bot:" + Self.canary))"}},"HttpHeaders":{"X-Canary":1}}"#, "X-Canary"),
    ]

    @Test("match, show and doctor all refuse a secret the kubelet refuses, naming the entry, never the value",
          arguments: refused.indices)
    func refusedEverywhere(index: Int) async throws {
        let (label, config, entry) = Self.refused[index]
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(config, to: "config.json")

            let match = try await regcred.run(["match", "ghcr.io/org/app:1", "-f", file])
            let show = try await regcred.run(["show", "-f", file])
            let doctor = try await regcred.run(["doctor", "--image", "ghcr.io/org/app:1", "-f", file])

            for outcome in [match, show, doctor] {
                #expect(outcome.status == 1, "\(label): \(outcome.summary)")
                let said = outcome.standardOutput + outcome.standardError
                #expect(said.contains(entry), "\(label): the entry should be named: \(outcome.summary)")
                #expect(said.contains("refuse"), "\(label): \(outcome.summary)")
                #expect(!said.contains(Self.canary), "\(label): a credential was printed")
            }
            #expect(match.standardError.contains("the kubelet refuses secret"))
        }
    }

    @Test("match -f A -f B: one keyring, the most specific key first across secrets, secret order within a key")
    func severalSecrets() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let first = try directory.write(
                #"{"auths":{"ghcr.io":{"auth":"\#(Self.base64("first:" + Self.canary))"}}}"#, to: "first.json")
            let second = try directory.write(
                #"{"auths":{"ghcr.io/org":{"auth":"\#(Self.base64("org:" + Self.canary))"},"https://ghcr.io":{"auth":"\#(Self.base64("second:" + Self.canary))"}}}"#,
                to: "second.json")

            let outcome = try await regcred.run(["match", "ghcr.io/org/app:1", "-f", first, "-f", second, "-o", "json"])

            #expect(outcome.status == 0, "\(outcome.summary)")
            let report = try JSONSerialization.jsonObject(with: outcome.standardOutputData) as? [String: Any]
            let rows = try #require(report?["entries"] as? [[String: Any]])
            #expect(rows.map { $0["username"] as? String } == ["org", "first", "second"])
            #expect(rows.map { $0["secret"] as? String } == [second, first, second])
            #expect(rows.map { $0["order"] as? Int } == [1, 2, 3])
            #expect(rows.allSatisfy { ($0["passwordFingerprint"] as? String)?.hasPrefix("len 20, sha256:") == true })
            #expect(report?["secrets"] as? [String] == [first, second])
            #expect(!outcome.standardOutput.contains(Self.canary))
            #expect(!outcome.standardOutput.contains(Self.base64("first:" + Self.canary)))

            let table = try await regcred.run(["match", "ghcr.io/org/app:1", "-f", first, "-f", second])
            #expect(table.standardOutput.contains("SECRET"), "\(table.summary)")
        }
    }

    @Test("match and show read a repeated key as Go does (the last one), and show warns")
    func repeatedKey() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(
                #"{"auths":{"ghcr.io":{"auth":"\#(Self.base64("old:" + Self.canary))"},"ghcr.io":{"auth":"\#(Self.base64("new:" + Self.canary))"}}}"#,
                to: "config.json")

            let match = try await regcred.run(["match", "ghcr.io/org/app:1", "-f", file, "-o", "json"])
            let show = try await regcred.run(["show", "-f", file])

            #expect(match.status == 0, "\(match.summary)")
            #expect(match.standardOutput.contains(#""username" : "new""#), "\(match.summary)")
            #expect(show.standardOutput.contains("new") && !show.standardOutput.contains("old"), "\(show.summary)")
            #expect(show.standardOutput.contains(#"warning: key "auths" → "ghcr.io" appears more than once"#), "\(show.summary)")
        }
    }

    @Test("field names in other letter cases and an empty registry key are read as the kubelet reads them, with a warning")
    func lettersAndEmptyKey() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(
                #"{"Auths":{"ghcr.io":{"Username":"bot","PASSWORD":"\#(Self.canary)"},"":{"username":"x","password":"y"}}}"#,
                to: "config.json")

            let show = try await regcred.run(["show", "-f", file])
            let match = try await regcred.run(["match", "ghcr.io/org/app:1", "-f", file, "-o", "json"])

            #expect(show.status == 0, "\(show.summary)")
            #expect(show.standardOutput.contains("bot"))
            #expect(show.standardOutput.contains(#""Auths" is read as "auths""#), "\(show.summary)")
            #expect(show.standardOutput.contains(#""PASSWORD" is read as "password""#), "\(show.summary)")
            #expect(show.standardOutput.contains("empty registry key"), "\(show.summary)")
            #expect(!show.standardOutput.contains(Self.canary))
            #expect(match.status == 0, "\(match.summary)")
            #expect(match.standardOutput.contains(#""username" : "bot""#), "\(match.summary)")
        }
    }

    @Test("several SECRETs in the cluster form one keyring",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/kubectl"), "the cluster helper creates namespaces with kubectl"))
    func severalSecretsInCluster() async throws {
        try await CLICluster.run { cluster in
            for (name, host) in [("first", "quay.io"), ("second", "ghcr.io")] {
                let created = try await cluster.regcred(["create", name, "--registry", host, "--username", name, "--password-env", "TOKEN"])
                #expect(created.status == 0, "\(created.summary)")
            }
            let match = try await cluster.regcred(["match", "ghcr.io/org/app:1", "first", "second", "-o", "json"])
            #expect(match.status == 0, "\(match.summary)")
            #expect(match.standardOutput.contains(#""username" : "second""#), "\(match.summary)")
            let missing = try await cluster.regcred(["match", "ghcr.io/org/app:1", "first", "absent"])
            #expect(missing.status == 66, "\(missing.summary)")
        }
    }

    @Test("--kubelet-version 1.28 applies Go 1.21's URL rules in match and doctor: a character class in a key's host globs")
    func kubeletVersion() async throws {
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(#"{"auths":{"reg[0-9].example.com":{"auth":"\#(Self.base64("bot:" + Self.canary))"}}}"#, to: "config.json")

            let current = try await regcred.run(["match", "reg7.example.com/app:1", "-f", file, "-o", "json"])
            let old = try await regcred.run(["match", "reg7.example.com/app:1", "-f", file, "-o", "json", "--kubelet-version", "1.28"])
            let unknown = try await regcred.run(["match", "reg7.example.com/app:1", "-f", file, "--kubelet-version", "1.12"])

            #expect(current.status == 1, "\(current.summary)")
            #expect(current.standardOutput.contains(#""kubeletVersion" : "1.34""#))
            #expect(old.status == 0, "\(old.summary)")
            #expect(old.standardOutput.contains(#""kubeletVersion" : "1.28""#))
            #expect(unknown.status == 64, "\(unknown.summary)")

            let doctorOld = try await regcred.run(["doctor", "--image", "reg7.example.com/app:1", "-f", file, "-o", "json", "--kubelet-version", "1.28"])
            let doctorNew = try await regcred.run(["doctor", "--image", "reg7.example.com/app:1", "-f", file, "-o", "json"])
            #expect(doctorOld.standardOutput.contains(#""registryKey" : "reg[0-9].example.com""#), "\(doctorOld.summary)")
            #expect(!doctorNew.standardOutput.contains(#""registryKey" : "reg[0-9].example.com""#), "\(doctorNew.summary)")
        }
    }

    @Test("in the cluster too: show and match report a secret the kubelet refuses and regcred's editor cannot read",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/kubectl"), "the cluster helper creates objects with kubectl"))
    func refusedInCluster() async throws {
        try await CLICluster.run { cluster in
            let manifest = """
                apiVersion: v1
                kind: Secret
                metadata: {name: typed, namespace: \(cluster.namespace)}
                type: kubernetes.io/dockerconfigjson
                data: {.dockerconfigjson: \(Self.base64(#"{"auths":{"ghcr.io":{"username":"bot","Password":7,"auth":"\#(Self.base64("bot:" + Self.canary))"}}}"#))}
                """
            let created = try await cluster.kubectl(["create", "--validate=false", "-f", try cluster.directory.write(manifest, to: "typed.yaml")])
            try #require(created.status == 0, "\(created.summary)")

            let show = try await cluster.regcred(["show", "typed"])
            let match = try await cluster.regcred(["match", "ghcr.io/org/app:1", "typed", "-o", "json"])

            #expect(show.status == 1, "\(show.summary)")
            #expect(show.standardOutput.contains(#"entry "ghcr.io": "password" must be a string, found a number"#), "\(show.summary)")
            #expect(match.status == 1, "\(match.summary)")
            #expect(match.standardOutput.contains(#""pullFails" : true"#), "\(match.summary)")
            for outcome in [show, match] { #expect(!(outcome.standardOutput + outcome.standardError).contains(Self.canary)) }
        }
    }

    @Test("YAML whose aliases expand without bound is refused at once, as a value or as a key, exit 65")
    func aliasBomb() async throws {
        var yaml = "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        for level in 1...9 {
            let aliases = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            yaml += "a\(level): &a\(level) [\(aliases)]\n"
        }
        let document = yaml
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(document, to: "bomb.yaml")
            let asKey = try directory.write(document + "? *a9\n: x\n", to: "key-bomb.yaml")
            for path in [file, asKey] {
                let outcome = try await regcred.run(["show", "-f", path])
                #expect(outcome.status == 65, "\(outcome.summary)")
                #expect(outcome.standardError.contains("alias"), "\(outcome.summary)")
            }
        }
    }

    @Test("an input over 4 MiB is refused, exit 65")
    func tooLarge() async throws {
        let padding = String(repeating: " ", count: 4 << 20)
        let document = Fixtures.validConfig + padding
        try await TemporaryDirectory.with { directory in
            let regcred = try RegcredProcess(in: directory)
            let file = try directory.write(document, to: "large.json")
            let outcome = try await regcred.run(["show", "-f", file])
            #expect(outcome.status == 65, "\(outcome.summary)")
            #expect(outcome.standardError.contains("4 MiB"), "\(outcome.summary)")
        }
    }
}
