// Reading one key of a source Secret (a service-account key, a client secret, a private key),
// with errors that name the Secret and the key and say what to fix, never the value.
import Foundation
import RegcredCore

extension SecretKeyReference {
    /// "secret gcp-key (key key.json)", for messages.
    func label(defaultKey: String) -> String { "secret \(name) (key \(key ?? defaultKey))" }

    /// The key's value as text: `.secretMissing` when the Secret or the key is absent,
    /// `.misconfigured` when the value is empty or not UTF-8.
    func text(defaultKey: String, holding what: String, provider: String, from secrets: SourceSecrets)
        async throws(CredentialSourceError) -> String
    {
        let key = self.key ?? defaultKey
        guard let data = await secrets(name) else {
            throw CredentialSourceError(
                .secretMissing, provider: provider,
                "secret \(name) does not exist in the controller's namespace; create it with \(what) under key \(key)")
        }
        guard let value = data[key] else {
            let present = data.keys.sorted()
            throw CredentialSourceError(
                .secretMissing, provider: provider,
                "secret \(name) has no key \(key) (it has: \(present.isEmpty ? "no keys" : present.joined(separator: ", "))); put \(what) under \(key) or set the reference's key")
        }
        guard let text = String(data: value, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CredentialSourceError(.misconfigured, provider: provider, "\(label(defaultKey: defaultKey)) is empty or not UTF-8 text; it should hold \(what)")
        }
        return text
    }
}
