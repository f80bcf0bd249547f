// PullSecretDocument: what `show`, `update` and `match` read — a Secret manifest (YAML or JSON,
// `data` or `stringData`) or a bare docker config — and how to write it back with new credentials
// while keeping every other field, key and piece of metadata.
import Foundation

public struct PullSecretDocument: Sendable {
    public enum Syntax: Sendable, Equatable { case json(pretty: Bool), yaml }

    public enum Container: Sendable, Equatable {
        /// A Secret manifest; the config sits at `field[key]` (`field` is `data` or `stringData`).
        case secret(manifest: JSONValue, field: String, key: String)
        /// A docker config on its own (`~/.docker/config.json`, a decoded `.dockerconfigjson`).
        case bareConfig
    }

    public let syntax: Syntax
    public let container: Container
    public var config: DockerConfig

    /// The Secret's `namespace/name` for messages, or nil for a bare config.
    public var secretName: String? {
        guard case .secret(let manifest, _, _) = container else { return nil }
        let name = manifest["metadata"]?["name"]?.stringValue ?? "<unnamed>"
        if let namespace = manifest["metadata"]?["namespace"]?.stringValue { return "\(namespace)/\(name)" }
        return name
    }
}

extension PullSecretDocument {
    public init(parsing text: String) throws(PullSecretDocumentError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .empty }
        let document: JSONValue
        let syntax: Syntax
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            do { document = try JSONValue(parsing: Data(trimmed.utf8)) } catch { throw .syntax("\(error)") }
            syntax = .json(pretty: trimmed.contains("\n"))
        } else {
            do { document = try JSONValue(yaml: text) } catch { throw .syntax("\(error)") }
            syntax = .yaml
        }
        try self.init(document: document, syntax: syntax)
    }

    /// A document already parsed: a Secret as the API server returns it, or a docker config.
    public init(document: JSONValue, syntax: Syntax) throws(PullSecretDocumentError) {
        self.syntax = syntax
        guard case .object(let members) = document else { throw .notAnObject(found: document.kindDescription) }
        if members["kind"] != nil || members["apiVersion"] != nil {
            (container, config) = try Self.readSecret(document)
        } else {
            container = .bareConfig
            do { config = try DockerConfig(document: document, format: DockerConfig.detectFormat(of: document)) } catch {
                throw .config(error)
            }
        }
    }

    /// The bytes to store under the Secret's key (`data[.dockerconfigjson]`), for writing back
    /// through the API rather than as text.
    public var encodedConfig: Data { config.encoded() }

    private static func readSecret(_ manifest: JSONValue) throws(PullSecretDocumentError) -> (Container, DockerConfig) {
        let name = manifest["metadata"]?["name"]?.stringValue ?? "<unnamed>"
        let kind = manifest["kind"]?.stringValue ?? "<none>"
        guard kind == "Secret" else { throw .notASecret(kind: kind) }
        let type = manifest["type"]?.stringValue ?? "Opaque"
        guard let format = DockerConfigFormat(secretType: type) else { throw .wrongSecretType(name: name, type: type) }
        let key = format.secretKey
        let raw: Data
        let field: String
        if let encoded = manifest["data"]?[key] {
            guard case .string(let text) = encoded, let data = Data(base64Encoded: text) else {
                throw .dataNotBase64(name: name, key: key)
            }
            (raw, field) = (data, "data")
        } else if case .string(let text)? = manifest["stringData"]?[key] {
            (raw, field) = (Data(text.utf8), "stringData")
        } else {
            throw .missingKey(name: name, key: key, type: type)
        }
        do {
            return (.secret(manifest: manifest, field: field, key: key), try DockerConfig(parsing: raw, format: format))
        } catch {
            throw .config(error)
        }
    }

    /// The document, in the syntax it was read in, carrying `config` in place of the old one.
    public func rendered() -> String {
        let tree: JSONValue
        switch container {
        case .bareConfig:
            tree = config.document
        case .secret(var manifest, let field, let key):
            let bytes = config.encoded()
            let value: JSONValue = field == "data" ? .string(bytes.base64EncodedString()) : .string(String(decoding: bytes, as: UTF8.self))
            var section = manifest[field]?.objectValue ?? [:]
            section[key] = value
            manifest[field] = .object(section)
            tree = manifest
        }
        switch syntax {
        case .yaml: return tree.yamlString()
        case .json(let pretty): return tree.encodedString(pretty: pretty) + "\n"
        }
    }
}

public enum PullSecretDocumentError: Error, Equatable, CustomStringConvertible {
    case empty
    case syntax(String)
    case notAnObject(found: String)
    case notASecret(kind: String)
    case wrongSecretType(name: String, type: String)
    case missingKey(name: String, key: String, type: String)
    case dataNotBase64(name: String, key: String)
    case config(DockerConfigError)

    public var description: String {
        switch self {
        case .empty:
            "the input is empty; give a Secret manifest (YAML or JSON) or a docker config"
        case .syntax(let detail):
            "the input is \(detail)"
        case .notAnObject(let found):
            "expected a Secret manifest or a docker config object, found \(found)"
        case .notASecret(let kind):
            "expected kind Secret, found \(kind); give one pull secret (for a list, select one item first)"
        case .wrongSecretType(let name, let type):
            "secret \(name) has type \(type); a pull secret must be kubernetes.io/dockerconfigjson (or the legacy kubernetes.io/dockercfg)"
        case .missingKey(let name, let key, let type):
            "secret \(name) of type \(type) has no \(key) key under data or stringData"
        case .dataNotBase64(let name, let key):
            "secret \(name): data[\(key)] is not valid base64"
        case .config(let error):
            error.description
        }
    }
}
