// Reads one `data` value out of a Secret manifest printed as YAML, without a YAML library
// (and without regcred's own parser): Secret data values are single-line base64 scalars.
import Foundation
import TestPeers
import RegcredCore

enum SecretManifestYAML {
    /// The scalar after `KEY:` on the first line whose key is `key` (plain, 'single' or
    /// "double" quoted), with surrounding quotes removed; nil if there is none.
    static func value(of key: String, in yaml: String) -> String? {
        let spellings = [key, "'\(key)'", "\"\(key)\""].map { $0 + ":" }
        for line in yaml.split(separator: "\n") {
            let content = line.trimmingCharacters(in: .whitespaces)
            guard let spelling = spellings.first(where: { content.hasPrefix($0) }) else { continue }
            var value = content.dropFirst(spelling.count).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "'" || first == "\"", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            return value
        }
        return nil
    }

    /// The bytes of the docker config carried by a `kubernetes.io/dockerconfigjson` Secret in YAML.
    static func dockerConfigData(in yaml: String) throws -> Data {
        guard let encoded = value(of: ".dockerconfigjson", in: yaml), !encoded.isEmpty else {
            throw TestSupportError.unexpectedOutput("no .dockerconfigjson value in:\n\(yaml)")
        }
        return try Base64Text.decode(encoded)
    }

    /// The docker config carried by a `kubernetes.io/dockerconfigjson` Secret in YAML, parsed.
    static func dockerConfig(in yaml: String) throws -> JSONValue {
        try JSONValue(parsing: dockerConfigData(in: yaml))
    }
}
