// The SourceContext every token-source test uses: its own secrets, environment and files, and a
// clock fixed at `testNow`, so the stand-ins can check iat/exp exactly.
import AsyncHTTPClient
import Foundation
import RegcredCore

@testable import CredentialSources

func tokenSourceContext(
    secrets: [String: [String: Data]] = [:], environment: [String: String] = [:], files: [String: Data] = [:]
) -> SourceContext {
    SourceContext(
        http: HTTPClient.shared, environment: environment, secrets: { secrets[$0] }, now: { testNow },
        readFile: { path in
            guard let data = files[path] else { throw CocoaError(.fileNoSuchFile) }
            return data
        },
        timeout: .seconds(3))
}

/// Fetches and returns the error, recording an issue when the fetch succeeds.
func fetchError(_ source: any CredentialSource) async -> CredentialSourceError? {
    do {
        _ = try await source.fetch()
        return nil
    } catch {
        return error
    }
}

/// The single credential of `.credentials([one])`, or nil.
func onlyCredential(_ material: CredentialMaterial) -> Credential? {
    if case .credentials(let credentials) = material, credentials.count == 1 { return credentials[0] }
    return nil
}

/// Fragments of secret material that must never show in a message: the PEM's base64 lines and
/// whatever tokens and assertions were exchanged.
func leakedSecrets(in message: String, pem: String? = nil, others: [String] = []) -> [String] {
    var fragments = others.filter { $0.count > 3 }
    if let pem {
        fragments += pem.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-----") && $0.count > 20 }
    }
    return fragments.filter { message.contains($0) }
}
