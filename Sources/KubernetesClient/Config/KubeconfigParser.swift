// KubeconfigParser: walks the tree of one kubeconfig file into typed entries, making file
// references absolute against the file's folder and naming each bad field in its error.
import Foundation
import RegcredCore

/// Walks the tree of one file. Kept apart so each field's error names its place.
struct KubeconfigParser {
    let path: String
    let folder: String

    init(path: String) {
        self.path = path
        self.folder = (path as NSString).deletingLastPathComponent
    }

    mutating func parse(_ tree: JSONValue) throws(KubeconfigError) -> Kubeconfig {
        var config = Kubeconfig(sources: [path])
        if tree == .null { return config }
        guard let top = tree.objectValue else {
            throw .syntax(path: path, detail: "expected a mapping at the top, found \(tree.kindDescription)")
        }
        config.currentContext = try string(top["current-context"], field: "current-context").flatMap { $0.isEmpty ? nil : $0 }

        for (index, entry) in try entries(top["clusters"], field: "clusters") {
            let (name, body) = try named(entry, field: "clusters[\(index)]", bodyKey: "cluster")
            if config.clusters[name] == nil { config.clusters[name] = try cluster(body, field: "cluster \"\(name)\"") }
        }
        for (index, entry) in try entries(top["users"], field: "users") {
            let (name, body) = try named(entry, field: "users[\(index)]", bodyKey: "user")
            if config.users[name] == nil { config.users[name] = try user(body, field: "user \"\(name)\"") }
        }
        for (index, entry) in try entries(top["contexts"], field: "contexts") {
            let (name, body) = try named(entry, field: "contexts[\(index)]", bodyKey: "context")
            if config.contexts[name] == nil { config.contexts[name] = try context(body, field: "context \"\(name)\"") }
        }
        return config
    }

    private func cluster(_ body: [String: JSONValue], field: String) throws(KubeconfigError) -> KubeconfigCluster {
        var cluster = KubeconfigCluster()
        cluster.server = try string(body["server"], field: "\(field): server")
        cluster.certificateAuthority = try file(body["certificate-authority"], field: "\(field): certificate-authority")
        cluster.certificateAuthorityData = try base64(body["certificate-authority-data"], field: "\(field): certificate-authority-data")
        cluster.insecureSkipTLSVerify = try bool(body["insecure-skip-tls-verify"], field: "\(field): insecure-skip-tls-verify") ?? false
        cluster.tlsServerName = try string(body["tls-server-name"], field: "\(field): tls-server-name")
        return cluster
    }

    private func user(_ body: [String: JSONValue], field: String) throws(KubeconfigError) -> KubeconfigUser {
        var user = KubeconfigUser()
        user.clientCertificate = try file(body["client-certificate"], field: "\(field): client-certificate")
        user.clientCertificateData = try base64(body["client-certificate-data"], field: "\(field): client-certificate-data")
        user.clientKey = try file(body["client-key"], field: "\(field): client-key")
        user.clientKeyData = try base64(body["client-key-data"], field: "\(field): client-key-data").map(Redacted.init)
        user.token = try string(body["token"], field: "\(field): token").map(Redacted.init)
        user.tokenFile = try file(body["tokenFile"], field: "\(field): tokenFile")
        user.username = try string(body["username"], field: "\(field): username")
        user.password = try string(body["password"], field: "\(field): password").map(Redacted.init)
        if body["auth-provider"] != nil, body["auth-provider"] != .null {
            throw .invalidField(path: path, field: "\(field): auth-provider",
                                detail: "is not supported (removed from kubectl in 1.26); use an exec plugin such as gke-gcloud-auth-plugin or kubelogin")
        }
        if let exec = body["exec"], exec != .null {
            user.exec = try self.exec(exec, field: "\(field): exec")
        }
        return user
    }

    private func exec(_ value: JSONValue, field: String) throws(KubeconfigError) -> ExecConfig {
        guard let body = value.objectValue else {
            throw .invalidField(path: path, field: field, detail: "must be a mapping, found \(value.kindDescription)")
        }
        guard let command = try string(body["command"], field: "\(field).command"), !command.isEmpty else {
            throw .invalidField(path: path, field: "\(field).command", detail: "is required")
        }
        guard let apiVersion = try string(body["apiVersion"], field: "\(field).apiVersion") else {
            throw .invalidField(path: path, field: "\(field).apiVersion", detail: "is required (\(ExecConfig.v1) or \(ExecConfig.v1beta1))")
        }
        guard apiVersion == ExecConfig.v1 || apiVersion == ExecConfig.v1beta1 else {
            throw .invalidField(path: path, field: "\(field).apiVersion",
                                detail: "\"\(apiVersion)\" is not supported; use \(ExecConfig.v1) or \(ExecConfig.v1beta1)")
        }
        var args: [String] = []
        for (index, arg) in try entries(body["args"], field: "\(field).args") {
            guard let text = try string(arg, field: "\(field).args[\(index)]") else { continue }
            args.append(text)
        }
        var env: [ExecConfig.EnvVar] = []
        for (index, item) in try entries(body["env"], field: "\(field).env") {
            guard let name = try string(item["name"], field: "\(field).env[\(index)].name") else {
                throw .invalidField(path: path, field: "\(field).env[\(index)].name", detail: "is required")
            }
            env.append(.init(name: name, value: try string(item["value"], field: "\(field).env[\(index)].value") ?? ""))
        }
        var mode = try string(body["interactiveMode"], field: "\(field).interactiveMode")
        if let given = mode, !["Never", "IfAvailable", "Always"].contains(given) {
            throw .invalidField(path: path, field: "\(field).interactiveMode", detail: "\"\(given)\" is not one of Never, IfAvailable, Always")
        }
        if mode == nil {
            // client-go requires the field in v1 and defaults it to IfAvailable in v1beta1.
            guard apiVersion == ExecConfig.v1beta1 else {
                throw .invalidField(path: path, field: "\(field).interactiveMode", detail: "is required for \(ExecConfig.v1) (Never, IfAvailable or Always)")
            }
            mode = "IfAvailable"
        }
        // Like clientcmd: a command with a path separator is relative to the kubeconfig's
        // folder; a bare name is looked up in PATH.
        let resolved = command.contains("/") ? absolute(command) : command
        return ExecConfig(
            command: resolved, args: args, env: env, apiVersion: apiVersion,
            installHint: try string(body["installHint"], field: "\(field).installHint"),
            provideClusterInfo: try bool(body["provideClusterInfo"], field: "\(field).provideClusterInfo") ?? false,
            interactiveMode: mode)
    }

    private func context(_ body: [String: JSONValue], field: String) throws(KubeconfigError) -> KubeconfigContext {
        KubeconfigContext(
            cluster: try string(body["cluster"], field: "\(field): cluster") ?? "",
            user: try string(body["user"], field: "\(field): user") ?? "",
            namespace: try string(body["namespace"], field: "\(field): namespace").flatMap { $0.isEmpty ? nil : $0 })
    }

    // MARK: field readers

    private func entries(_ value: JSONValue?, field: String) throws(KubeconfigError) -> [(Int, JSONValue)] {
        guard let value, value != .null else { return [] }
        guard let items = value.arrayValue else {
            throw .invalidField(path: path, field: field, detail: "must be a list, found \(value.kindDescription)")
        }
        return Array(items.enumerated())
    }

    private func named(_ entry: JSONValue, field: String, bodyKey: String) throws(KubeconfigError) -> (String, [String: JSONValue]) {
        guard let object = entry.objectValue else {
            throw .invalidField(path: path, field: field, detail: "must be a mapping with name and \(bodyKey)")
        }
        guard let name = try string(object["name"], field: "\(field).name"), !name.isEmpty else {
            throw .invalidField(path: path, field: "\(field).name", detail: "is required")
        }
        let body = object[bodyKey] ?? .null
        if body == .null { return (name, [:]) }
        guard let members = body.objectValue else {
            throw .invalidField(path: path, field: "\(field) (\"\(name)\").\(bodyKey)", detail: "must be a mapping, found \(body.kindDescription)")
        }
        return (name, members)
    }

    /// YAML reads unquoted `12345` as a number; a token or name like that is still text.
    private func string(_ value: JSONValue?, field: String) throws(KubeconfigError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .integer(let number)?: return String(number)
        case .bool(let flag)?: return String(flag)
        case .double(let number)?: return String(number)
        case let other?: throw .invalidField(path: path, field: field, detail: "must be a string, found \(other.kindDescription)")
        }
    }

    private func bool(_ value: JSONValue?, field: String) throws(KubeconfigError) -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case .string("true")?: return true
        case .string("false")?: return false
        case let other?: throw .invalidField(path: path, field: field, detail: "must be true or false, found \(other.kindDescription)")
        }
    }

    private func base64(_ value: JSONValue?, field: String) throws(KubeconfigError) -> Data? {
        guard let text = try string(value, field: field), !text.isEmpty else { return nil }
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else {
            throw .invalidField(path: path, field: field, detail: "is not valid base64")
        }
        return data
    }

    private func file(_ value: JSONValue?, field: String) throws(KubeconfigError) -> String? {
        guard let text = try string(value, field: field), !text.isEmpty else { return nil }
        return absolute(text)
    }

    private func absolute(_ file: String) -> String {
        if file.hasPrefix("/") || folder.isEmpty { return file }
        return ((folder as NSString).appendingPathComponent(file) as NSString).standardizingPath
    }
}
