// SecretValidation: the checks kube-apiserver applies to core/v1 Secrets on create and update
// (docker config types, data keys, total size, immutability), with the real field paths and
// messages.
import Foundation
import RegcredCore

enum SecretValidation {
    static let maxSecretSize = 1 * 1024 * 1024
    static let configKeyMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"

    /// Folds `stringData` into `data` (base64), as the server does before validation; sets the
    /// default type. Fails with 400 when a `data` value is not base64, as decoding does.
    static func normalize(_ secret: inout JSONValue) throws(APIError) {
        var data = secret["data"]?.objectValue ?? [:]
        for (key, value) in data {
            guard case .string(let encoded) = value, Data(base64Encoded: encoded) != nil else {
                throw APIError.badRequest("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0 (data[\(key)])")
            }
        }
        if let stringData = secret["stringData"]?.objectValue {
            for (key, value) in stringData {
                data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
            }
            secret["stringData"] = nil
        }
        if secret["data"] != nil || !data.isEmpty { secret["data"] = data.isEmpty ? nil : .object(data) }
        if (secret["type"]?.stringValue ?? "").isEmpty { secret["type"] = .string("Opaque") }
    }

    static func decodedData(_ secret: JSONValue) -> [String: Data] {
        var out: [String: Data] = [:]
        for (key, value) in secret["data"]?.objectValue ?? [:] {
            out[key] = value.stringValue.flatMap { Data(base64Encoded: $0) } ?? Data()
        }
        return out
    }

    static func validate(_ secret: JSONValue) -> [FieldError] {
        var errors: [FieldError] = []
        let data = decodedData(secret)
        var total = 0
        for (key, value) in data.sorted(by: { $0.key < $1.key }) {
            if !isConfigKey(key) { errors.append(.invalid("data", string: key, configKeyMessage)) }
            total += value.count
        }
        if total > maxSecretSize { errors.append(.tooLong("data", max: maxSecretSize)) }

        switch secret["type"]?.stringValue ?? "Opaque" {
        case "kubernetes.io/dockercfg":
            errors += dockerConfigErrors(data, key: ".dockercfg")
        case "kubernetes.io/dockerconfigjson":
            errors += dockerConfigErrors(data, key: ".dockerconfigjson")
        case "kubernetes.io/basic-auth":
            if data["username"] == nil && data["password"] == nil {
                errors.append(.required("data[username]"))
                errors.append(.required("data[password]"))
            }
        case "kubernetes.io/ssh-auth":
            if data["ssh-privatekey"] == nil { errors.append(.required("data[ssh-privatekey]")) }
        case "kubernetes.io/tls":
            if data["tls.key"] == nil { errors.append(.required("data[tls.key]")) }
            if data["tls.crt"] == nil { errors.append(.required("data[tls.crt]")) }
        case "kubernetes.io/service-account-token":
            if (secret["metadata"]?["annotations"]?["kubernetes.io/service-account.name"]?.stringValue ?? "").isEmpty {
                errors.append(.required("metadata.annotations[kubernetes.io/service-account.name]"))
            }
        default:
            break
        }
        return errors
    }

    /// Update rules: `type` immutable; an immutable secret keeps its data and stays immutable.
    static func validateUpdate(new: JSONValue, old: JSONValue) -> [FieldError] {
        var errors = validate(new)
        let newType = new["type"]?.stringValue ?? "Opaque"
        if newType != (old["type"]?.stringValue ?? "Opaque") {
            errors.append(.invalid("type", string: newType, "field is immutable"))
        }
        if old["immutable"]?.boolValue == true {
            if new["immutable"]?.boolValue != true {
                errors.append(.forbidden("immutable", "field is immutable when `immutable` is set"))
            }
            if decodedData(new) != decodedData(old) {
                errors.append(.forbidden("data", "field is immutable when `immutable` is set"))
            }
        }
        return errors
    }

    private static func dockerConfigErrors(_ data: [String: Data], key: String) -> [FieldError] {
        guard let bytes = data[key] else { return [.required("data[\(key)]")] }
        // The server unmarshals into map[string]interface{}: any JSON object passes.
        if let message = goUnmarshalObjectError(bytes) {
            return [.invalid("data[\(key)]", rendered: "\"<secret contents redacted>\"", message)]
        }
        return []
    }

    /// The error text of Go's `json.Unmarshal(bytes, &map[string]interface{}{})`, nil on success.
    static func goUnmarshalObjectError(_ bytes: Data) -> String? {
        let trimmed = bytes.drop { [0x20, 0x09, 0x0a, 0x0d].contains($0) }
        guard let first = trimmed.first else { return "unexpected end of JSON input" }
        guard let value = try? JSONValue(parsing: bytes) else {
            if [UInt8(ascii: "{"), UInt8(ascii: "[")].contains(first) { return "unexpected end of JSON input" }
            return "invalid character '\(Character(Unicode.Scalar(first)))' looking for beginning of value"
        }
        switch value {
        case .object: return nil
        case .null: return nil
        case .string: return "json: cannot unmarshal string into Go value of type map[string]interface {}"
        case .array: return "json: cannot unmarshal array into Go value of type map[string]interface {}"
        case .bool: return "json: cannot unmarshal bool into Go value of type map[string]interface {}"
        case .integer, .double: return "json: cannot unmarshal number into Go value of type map[string]interface {}"
        }
    }

    static func isConfigKey(_ key: String) -> Bool {
        guard !key.isEmpty, key.utf8.count <= 253, key != ".", key != ".." else { return false }
        return key.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-._".unicodeScalars.contains($0) }
    }
}
