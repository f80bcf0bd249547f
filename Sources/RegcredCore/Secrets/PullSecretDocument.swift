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
    /// The config as regcred edits it (lossless; a repeated key keeps its last value, as in Go).
    public var config: DockerConfig
    /// The config as it was read, the way the kubelet reads it: the credentials it would send,
    /// or why it refuses the whole secret. Not updated when `config` is edited.
    public let kubelet: Result<KubeletDockerConfig, KubeletRefusal>

    /// The Secret's `namespace/name` for messages, or nil for a bare config.
    public var secretName: String? {
        guard case .secret(let manifest, _, _) = container else { return nil }
        let name = manifest["metadata"]?["name"]?.stringValue ?? "<unnamed>"
        if let namespace = manifest["metadata"]?["namespace"]?.stringValue { return "\(namespace)/\(name)" }
        return name
    }
}

extension PullSecretDocument {
    /// The largest input read: a pull secret is a few kilobytes, and anything much larger is a
    /// mistake or an attack on the parser.
    public static let maximumInputBytes = 4 << 20

    public init(parsing text: String) throws(PullSecretDocumentError) {
        let (document, syntax, ordered) = try Self.parse(text)
        try self.init(document: document, syntax: syntax, ordered: ordered)
    }

    /// The text as a tree, its syntax, and — for JSON — the same document in document order.
    static func parse(_ text: String) throws(PullSecretDocumentError) -> (JSONValue, Syntax, OrderedJSON?) {
        guard text.utf8.count <= Self.maximumInputBytes else { throw .tooLarge(bytes: text.utf8.count) }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .empty }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            let ordered: OrderedJSON
            do { ordered = try OrderedJSON(parsing: Data(trimmed.utf8)) } catch { throw .syntax("\(error)") }
            return (ordered.lastWins, .json(pretty: trimmed.contains("\n")), ordered)
        }
        do { return (try JSONValue(yaml: text), .yaml, nil) } catch { throw .syntax("\(error)") }
    }

    /// A document already parsed: a Secret as the API server returns it, or a docker config.
    /// `ordered` is the same document with its document order, when it was JSON text.
    public init(document: JSONValue, syntax: Syntax, ordered: OrderedJSON? = nil) throws(PullSecretDocumentError) {
        self.syntax = syntax
        guard case .object(let members) = document else { throw .notAnObject(found: document.kindDescription) }
        if members["kind"] != nil || members["apiVersion"] != nil {
            let (field, format, raw) = try Self.secretBytes(document)
            container = .secret(manifest: document, field: field, key: format.secretKey)
            do { config = try DockerConfig(parsing: raw, format: format) } catch { throw .config(error) }
            kubelet = KubeletDockerConfig.read(raw, format: format)
        } else {
            container = .bareConfig
            let format = DockerConfig.detectFormat(of: document)
            do { config = try DockerConfig(document: document, format: format) } catch {
                throw .config(error)
            }
            do { kubelet = .success(try KubeletDockerConfig.read(ordered ?? OrderedJSON(document), format: format)) } catch {
                kubelet = .failure(error)
            }
        }
    }

    /// Why the kubelet refuses this secret as a whole, if it does.
    public var kubeletRefusal: KubeletRefusal? {
        if case .failure(let refusal) = kubelet { return refusal }
        return nil
    }

    /// The bytes to store under the Secret's key (`data[.dockerconfigjson]`), for writing back
    /// through the API rather than as text.
    public var encodedConfig: Data { config.encoded() }

    /// Where a Secret manifest keeps its docker config: the field (`data` or `stringData`), the
    /// format its type names, and the bytes.
    static func secretBytes(_ manifest: JSONValue) throws(PullSecretDocumentError) -> (String, DockerConfigFormat, Data) {
        let name = manifest["metadata"]?["name"]?.stringValue ?? "<unnamed>"
        let kind = manifest["kind"]?.stringValue ?? "<none>"
        guard kind == "Secret" else { throw .notASecret(kind: kind) }
        let type = manifest["type"]?.stringValue ?? "Opaque"
        guard let format = DockerConfigFormat(secretType: type) else { throw .wrongSecretType(name: name, type: type) }
        let key = format.secretKey
        if let encoded = manifest["data"]?[key] {
            guard case .string(let text) = encoded, let data = Data(base64Encoded: text) else {
                throw .dataNotBase64(name: name, key: key)
            }
            return ("data", format, data)
        } else if case .string(let text)? = manifest["stringData"]?[key] {
            return ("stringData", format, Data(text.utf8))
        }
        throw .missingKey(name: name, key: key, type: type)
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

/// A pull secret as only the kubelet reads it: where its bytes are, and what Go makes of them.
/// Unlike `PullSecretDocument` it needs nothing of regcred's editor, so a config the kubelet
/// refuses (or reads as empty) is a verdict rather than invalid input.
public struct KubeletPullSecret: Sendable {
    /// The Secret's `namespace/name`, or nil for a bare config.
    public let secretName: String?
    public let format: DockerConfigFormat
    public let reading: Result<KubeletDockerConfig, KubeletRefusal>

    public init(parsing text: String) throws(PullSecretDocumentError) {
        let (document, _, ordered) = try PullSecretDocument.parse(text)
        try self.init(document: document, ordered: ordered)
    }

    /// A Secret as the API server returns it (with kind and apiVersion), or a bare config.
    public init(document: JSONValue, ordered: OrderedJSON? = nil) throws(PullSecretDocumentError) {
        guard case .object(let members) = document else { throw .notAnObject(found: document.kindDescription) }
        if members["kind"] != nil || members["apiVersion"] != nil {
            let (_, format, raw) = try PullSecretDocument.secretBytes(document)
            let name = document["metadata"]?["name"]?.stringValue ?? "<unnamed>"
            secretName = document["metadata"]?["namespace"]?.stringValue.map { "\($0)/\(name)" } ?? name
            self.format = format
            reading = KubeletDockerConfig.read(raw, format: format)
        } else {
            secretName = nil
            format = DockerConfig.detectFormat(of: document)
            do { reading = .success(try KubeletDockerConfig.read(ordered ?? OrderedJSON(document), format: format)) } catch {
                reading = .failure(error)
            }
        }
    }
}

public enum PullSecretDocumentError: Error, Equatable, CustomStringConvertible {
    case empty
    case tooLarge(bytes: Int)
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
        case .tooLarge(let bytes):
            "the input is \(bytes) bytes; a pull secret is a few kilobytes, and regcred reads at most \(PullSecretDocument.maximumInputBytes) (4 MiB)"
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
