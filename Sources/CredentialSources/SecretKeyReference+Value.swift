// Reading one key of a source Secret (a service-account key, a client secret, a private key),
// or the file that stands for it on the command line, with errors that name the Secret and the
// key (or the flag and the file) and say what to fix, never the value.
import Foundation
import RegcredCore

extension SecretKeyReference {
    /// "secret gcp-key (key key.json)", or "--gcp-key-file /etc/gcp.json" on the command line, for messages.
    func origin(defaultKey: String, settings: SourceSettings) -> String {
        settings.origin(ofSecret: name, key: key ?? defaultKey)
    }

    /// The key's value as text: `.secretMissing` when the Secret (file) or the key is absent,
    /// `.misconfigured` when the value is empty or not UTF-8.
    func text(defaultKey: String, holding what: String, provider: String, in context: SourceContext)
        async throws(CredentialSourceError) -> String
    {
        let key = self.key ?? defaultKey
        let origin = origin(defaultKey: defaultKey, settings: context.settings)
        guard let data = await context.secrets(name) else {
            switch context.settings {
            case .clusterPullSecret:
                throw CredentialSourceError(
                    .secretMissing, provider: provider,
                    "secret \(name) does not exist in the controller's namespace; create it with \(what) under key \(key)")
            case .commandLine:
                throw CredentialSourceError(.secretMissing, provider: provider, "cannot read \(origin); it should be a file holding \(what)")
            }
        }
        guard let value = data[key] else {
            let present = data.keys.sorted()
            throw CredentialSourceError(
                .secretMissing, provider: provider,
                "secret \(name) has no key \(key) (it has: \(present.isEmpty ? "no keys" : present.joined(separator: ", "))); put \(what) under \(key) or set the reference's key")
        }
        guard let text = String(data: value, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CredentialSourceError(.misconfigured, provider: provider, "\(origin) is empty or not UTF-8 text; it should hold \(what)")
        }
        return text
    }
}
