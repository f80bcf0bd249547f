import AsyncHTTPClient
import Foundation
import Testing

@testable import CredentialSources
@testable import RegcredCore

@Suite("The static source")
struct StaticSourceTests {
    static func context(_ secrets: [String: [String: Data]]) -> SourceContext {
        SourceContext(http: HTTPClient.shared, environment: [:], secrets: { secrets[$0] })
    }

    @Test("reads username and password from the named secret")
    func readsBasic() async throws {
        let spec = CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "tok")))
        let source = try spec.makeSource(context: Self.context(["tok": ["username": Data("u".utf8), "password": Data("p".utf8)]]))
        #expect(try await source.fetch() == .basic(Credential(username: "u", password: Redacted("p"))))
        #expect(source.summary == "static secret tok")
    }

    @Test("a missing secret is .secretMissing and names the secret; a bad one is .misconfigured")
    func failures() async throws {
        let spec = CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "tok")))
        let missing = try spec.makeSource(context: Self.context([:]))
        await #expect(throws: CredentialSourceError.self) { try await missing.fetch() }
        do {
            _ = try await missing.fetch()
        } catch {
            #expect(error.kind == .secretMissing && error.message.contains("tok"))
        }
        let bad = try spec.makeSource(context: Self.context(["tok": ["password": Data("hunter2".utf8)]]))
        do {
            _ = try await bad.fetch()
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .misconfigured && !error.message.contains("hunter2"))
        }
    }

    @Test("a spec with no source cannot be built")
    func noSource() {
        #expect(throws: CredentialSourceError.self) { try CredentialSourceSpec().makeSource(context: Self.context([:])) }
    }
}
