// `verify` decides which entry to probe with which image as the kubelet would, reports one row per
// check in order, and never shows a password.
import Foundation
import Operations
import RegcredCore
import RegistryProbe
import Synchronization
import Testing

@Suite("verify")
struct VerifyPullSecretTests {
    static let config = #"{"auths":{"ghcr.io":{"username":"u","password":"pw-ghcr","auth":"dTpwdy1naGNy"},"https://index.docker.io/v1/":{"username":"d","password":"pw-hub"},"broken.example.com":{"auth":"%%%"}}}"#

    /// Records every call and answers from `answers` by registry key (default: ok basic).
    final class FakeProbe: Sendable {
        let calls = Mutex<[(String, String?, String?)]>([])
        let answers: [String: ProbeResult]
        init(answers: [String: ProbeResult] = [:]) { self.answers = answers }
        var probe: VerifyPullSecret.Probe {
            { registry, credential, image in
                self.calls.withLock { $0.append((registry, credential?.username, image?.description)) }
                return self.answers[registry] ?? .ok(scheme: .basic)
            }
        }
    }

    func report(images: [String] = [], probe: FakeProbe) async throws -> VerifyReport {
        try await VerifyPullSecret.report(document: PullSecretDocument(parsing: Self.config), images: images, probe: probe.probe)
    }

    @Test("without images every entry is probed once with its own credentials; a broken auth is not probed")
    func everyEntry() async throws {
        let fake = FakeProbe()
        let report = try await report(probe: fake)
        #expect(report.rows.map(\.registry) == ["broken.example.com", "ghcr.io", "https://index.docker.io/v1/"])
        #expect(report.rows.map(\.result) == ["bad-auth", "ok", "ok"])
        let calls = fake.calls.withLock { $0 }.sorted { $0.0 < $1.0 }
        #expect(calls.map(\.0) == ["ghcr.io", "https://index.docker.io/v1/"])
        #expect(calls.map(\.1) == ["u", "d"])
        #expect(report.hasFailures)
    }

    @Test("an image is checked with the entries the kubelet would use for it; unmatched images fail")
    func imagesFollowTheKubelet() async throws {
        let fake = FakeProbe(answers: ["https://index.docker.io/v1/": .noPullPermission(repository: "library/nginx")])
        let report = try await report(images: ["nginx:1.27", "ghcr.io/org/app:1", "quay.io/x/y"], probe: fake)
        let rows = report.rows.map { "\($0.registry ?? "-") \($0.image ?? "-") \($0.result)" }
        #expect(rows == [
            "https://index.docker.io/v1/ docker.io/library/nginx:1.27 no-pull-permission",
            "ghcr.io ghcr.io/org/app:1 ok",
            "- quay.io/x/y no-match",
            "broken.example.com - bad-auth",
        ])
    }

    @Test("neither table nor JSON shows a password")
    func noPasswords() async throws {
        let report = try await report(images: ["ghcr.io/org/app"], probe: FakeProbe(answers: ["ghcr.io": .credentialsRejected]))
        for format in ShowOutputFormat.allCases {
            let text = VerifyPullSecret.render(report, as: format)
            #expect(text.contains("ghcr.io"))
            #expect(text.contains("rejected"))
            for secret in ["pw-ghcr", "pw-hub", "dTpwdy1naGNy"] { #expect(!text.contains(secret), "\(format)") }
        }
    }

    @Test("an invalid image reference is a usage error before any probe")
    func invalidImage() async throws {
        let fake = FakeProbe()
        await #expect(throws: ImageReferenceError.self) { try await report(images: ["Nginx"], probe: fake) }
        #expect(fake.calls.withLock { $0.isEmpty })
    }
}
