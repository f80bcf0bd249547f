// Reading a pull secret's payload out of a Secret (JSON) and a docker config's entries.
import Foundation
import TestPeers
import RegcredCore

extension JSONValue {
    /// The base64 value under `data[key]` of a Secret, decoded and parsed as JSON.
    func decodedSecretData(_ key: String = ".dockerconfigjson") throws -> JSONValue {
        guard let encoded = self["data"]?[key]?.stringValue else {
            throw TestSupportError.unexpectedOutput("Secret has no data[\"\(key)\"]: \(self)")
        }
        return try JSONValue(parsing: Base64Text.decode(encoded))
    }

    /// The entry for `registry` in a `{"auths":{…}}` document.
    func authEntry(_ registry: String) -> JSONValue? { self["auths"]?[registry] }

    /// The `auth` field of an entry, base64-decoded to `username:password`.
    var decodedAuth: String? {
        guard let auth = self["auth"]?.stringValue, let data = Data(base64Encoded: auth) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
