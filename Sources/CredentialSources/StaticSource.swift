// The `static` source: a Secret with username/password keys or a `.dockerconfigjson`.
import Foundation
import RegcredCore

public struct StaticSource: CredentialSource {
    public let secretName: String
    let secrets: SourceSecrets

    public init(spec: StaticSourceSpec, context: SourceContext) {
        self.secretName = spec.secretRef.name
        self.secrets = context.secrets
    }

    public var summary: String { "static secret \(secretName)" }

    public func fetch() async throws(CredentialSourceError) -> CredentialMaterial {
        guard let data = await secrets(secretName) else {
            throw CredentialSourceError(
                .secretMissing, provider: "static",
                "source secret \(secretName) does not exist; create it with username and password keys")
        }
        do {
            return try StaticSourceSecret.material(from: data, secretName: secretName)
        } catch {
            throw CredentialSourceError(.misconfigured, provider: "static", error.description)
        }
    }
}
