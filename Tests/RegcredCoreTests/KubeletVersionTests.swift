// What differs between the kubelet versions regcred models: the Go `net/url` a kubelet is built
// with decides which docker config keys parse (CVE-2025-47912, Go 1.24.8 / 1.25.2).
import Foundation
import Testing

@testable import RegcredCore

@Suite("Kubelet versions: 1.28 (Go 1.21) and 1.34 (Go 1.24.8 or later)")
struct KubeletVersionTests {
    static func matches(_ key: String, _ image: String, _ version: KubeletVersion) throws -> Bool {
        let outcome = KubeletMatcher.lookup(try ImageReference(parsing: image), in: [.init(key: key, entry: ())], kubelet: version)
        return !outcome.matches.isEmpty
    }

    @Test("a character class in a key's host globs on 1.28 and makes the key unusable on 1.34", arguments: [
        ("reg[0-9].example.com", "reg7.example.com/app", true),
        ("reg[0-9].example.com", "rega.example.com/app", false),
        ("reg[a-c]*.example.com", "regb1.example.com/app", true),
        // net.SplitHostPort refuses "[", so the port stays in the last label: never a match
        // (checked against Go 1.19's net/url, which predates the fix, as 1.28's Go 1.21 does).
        ("reg[a-c]*.example.com:5000", "regb1.example.com:5000/app", false),
    ])
    func characterClasses(key: String, image: String, matchesOn128: Bool) throws {
        #expect(try Self.matches(key, image, .v1_28) == matchesOn128)
        #expect(try Self.matches(key, image, .v1_34) == false)
        #expect(throws: RegistryKeyError.self) { try RegistryKey(parsing: key, kubelet: .v1_34) }
        _ = try RegistryKey(parsing: key, kubelet: .v1_28)
    }

    @Test("hosts Go 1.21 accepted and current Go refuses", arguments: ["[1.2.3.4]:5000", "[1:2]", "reg:x:5000"])
    func olderGoAccepted(key: String) throws {
        #expect(throws: RegistryKeyError.self) { try RegistryKey(parsing: key, kubelet: .v1_34) }
        #expect(try RegistryKey(parsing: key, kubelet: .v1_28).indexKey == key)
    }

    @Test("keys neither version accepts", arguments: ["reg[^0-9].example.com", "[a-c]*.example.com:5000"])
    func neither(key: String) {
        for version in KubeletVersion.allCases {
            #expect(throws: RegistryKeyError.self) { try RegistryKey(parsing: key, kubelet: version) }
        }
    }

    @Test("keys both versions read the same way index the same", arguments: [
        "ghcr.io", "https://index.docker.io/v1/", "reg.example.com:5000/team", "[fd00::1]:5000", "*.azurecr.io", "localhost:5000",
    ])
    func sameKeys(key: String) throws {
        #expect(try RegistryKey(parsing: key, kubelet: .v1_28).indexKey == RegistryKey(parsing: key, kubelet: .v1_34).indexKey)
    }

    @Test("doctor's and scan's diagnosis apply the version it is given")
    func diagnosis() {
        let config = #"{"auths":{"reg[0-9].example.com":{"auth":"\#(BasicAuthField.encode(username: "bot", password: "t0ken"))"}}}"#
        func credentials(_ version: KubeletVersion) -> Int {
            var input = PullDiagnosisInput(
                subject: .secretFiles, namespace: nil, containers: [.init(name: "app", kind: .container, image: "reg7.example.com/app:1")],
                podPullSecrets: ["pull"], serviceAccount: nil,
                secrets: ["pull": ObservedPullSecret(type: "kubernetes.io/dockerconfigjson", data: [".dockerconfigjson": Data(config.utf8)])],
                now: Date(timeIntervalSince1970: 1_800_000_000))
            input.kubeletVersion = version
            return PullDiagnoser.diagnose(input).images[0].credentials.count
        }
        #expect(credentials(.v1_28) == 1)
        #expect(credentials(.v1_34) == 0)
    }

    @Test("the newest modelled version is the default")
    func newest() {
        #expect(KubeletVersion.newest == KubeletVersion.allCases.max())
        #expect(KubeletVersion.allCases.map(\.rawValue) == ["1.28", "1.34"])
    }
}
