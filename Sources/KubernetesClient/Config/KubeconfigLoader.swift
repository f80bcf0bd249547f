// KubeconfigLoader: kubectl's loading rules. `--kubeconfig` names one file (it must exist, no
// merging); otherwise the KUBECONFIG list is merged (missing files skipped); otherwise
// ~/.kube/config. Then `--context` or current-context picks cluster, user and namespace.
import Foundation
import RegcredCore

public struct KubeconfigLoader: Sendable {
    public var explicitPath: String?
    public var context: String?
    /// `-n/--namespace`: overrides the context's namespace.
    public var namespace: String?
    public var environment: [String: String]
    public var homeDirectory: String

    public init(explicitPath: String? = nil, context: String? = nil, namespace: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment, homeDirectory: String? = nil) {
        self.explicitPath = explicitPath.flatMap { $0.isEmpty ? nil : $0 }
        self.context = context.flatMap { $0.isEmpty ? nil : $0 }
        self.namespace = namespace.flatMap { $0.isEmpty ? nil : $0 }
        self.environment = environment
        self.homeDirectory = homeDirectory ?? environment["HOME"] ?? NSHomeDirectory()
    }

    /// The files the rules consider, in order; `explicit` ones must exist.
    public var candidatePaths: (paths: [String], explicit: Bool) {
        if let explicitPath { return ([explicitPath], true) }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen = Set<String>()
            let paths = list.split(separator: ":", omittingEmptySubsequences: true).map(String.init).filter { seen.insert($0).inserted }
            return (paths, false)
        }
        return ([(homeDirectory as NSString).appendingPathComponent(".kube/config")], false)
    }

    /// `true` when some kubeconfig file exists for these rules (else in-cluster config may apply).
    public var hasKubeconfig: Bool {
        let (paths, explicit) = candidatePaths
        return explicit || paths.contains { FileManager.default.fileExists(atPath: $0) }
    }

    /// Reads and merges the files. An explicit file must exist; listed ones may be missing.
    public func load() throws(KubeconfigError) -> Kubeconfig {
        let (paths, explicit) = candidatePaths
        var merged = Kubeconfig()
        var found = false
        for path in paths {
            if !explicit, !FileManager.default.fileExists(atPath: path) { continue }
            merged.merge(try Kubeconfig.load(path: path))
            found = true
        }
        guard found else { throw .noConfiguration(searched: paths) }
        return merged
    }

    /// Loads, picks the context and resolves it into a client configuration.
    public func clientConfig() throws(KubeconfigError) -> ClientConfig {
        try resolve(load())
    }

    /// Resolves a (merged) kubeconfig for the chosen context; file references are read here.
    public func resolve(_ config: Kubeconfig) throws(KubeconfigError) -> ClientConfig {
        let where_ = config.displayPath
        guard let contextName = context ?? config.currentContext else {
            throw .noCurrentContext(path: where_, available: Array(config.contexts.keys))
        }
        guard let ctx = config.contexts[contextName] else {
            throw .contextNotFound(path: where_, context: contextName, available: Array(config.contexts.keys))
        }
        guard let cluster = config.clusters[ctx.cluster] else {
            throw .clusterNotFound(path: where_, context: contextName, cluster: ctx.cluster)
        }
        // A context may name no user (anonymous access); a named user must exist.
        let user: KubeconfigUser
        if ctx.user.isEmpty {
            user = KubeconfigUser()
        } else if let found = config.users[ctx.user] {
            user = found
        } else {
            throw .userNotFound(path: where_, context: contextName, user: ctx.user)
        }
        guard let rawServer = cluster.server, !rawServer.isEmpty else {
            throw .missingServer(path: where_, cluster: ctx.cluster)
        }
        // client-go accepts `host:port` and assumes https.
        let server = rawServer.contains("://") ? rawServer : "https://\(rawServer)"
        guard let url = URL(string: server), let scheme = url.scheme, ["https", "http"].contains(scheme), url.host != nil else {
            throw .invalidServer(path: where_, cluster: ctx.cluster, server: rawServer)
        }
        var caPEM = cluster.certificateAuthorityData
        if caPEM == nil, let file = cluster.certificateAuthority {
            caPEM = try read(file, field: "cluster \"\(ctx.cluster)\": certificate-authority", in: where_)
        }
        if cluster.insecureSkipTLSVerify, caPEM != nil {
            throw .conflictingFields(path: where_, detail: "cluster \"\(ctx.cluster)\" sets both insecure-skip-tls-verify and a certificate authority; remove one")
        }

        var credentials = ClientCredentials()
        let userField = "user \"\(ctx.user)\""
        credentials.bearerToken = user.token
        credentials.tokenFile = user.tokenFile
        credentials.username = user.username
        credentials.password = user.password
        credentials.exec = user.exec
        credentials.clientCertificatePEM = user.clientCertificateData
        if credentials.clientCertificatePEM == nil, let file = user.clientCertificate {
            credentials.clientCertificatePEM = try read(file, field: "\(userField): client-certificate", in: where_)
        }
        credentials.clientKeyPEM = user.clientKeyData
        if credentials.clientKeyPEM == nil, let file = user.clientKey {
            credentials.clientKeyPEM = Redacted(try read(file, field: "\(userField): client-key", in: where_))
        }
        if (credentials.clientCertificatePEM == nil) != (credentials.clientKeyPEM == nil) {
            throw .conflictingFields(path: where_, detail: "\(userField) has a client certificate without a key or a key without a certificate; set both")
        }
        if credentials.bearerToken != nil || credentials.tokenFile != nil, credentials.username != nil {
            throw .conflictingFields(path: where_, detail: "\(userField) sets both a token and username/password; set one")
        }

        var result = ClientConfig(
            server: server, certificateAuthorityPEM: caPEM, insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
            tlsServerName: cluster.tlsServerName, credentials: credentials,
            namespace: namespace ?? ctx.namespace ?? "default",
            origin: "kubeconfig \(where_), context \(contextName)")
        result.execClusterInfo = ExecClusterInfo(
            server: server, tlsServerName: cluster.tlsServerName, insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
            certificateAuthorityData: caPEM)
        return result
    }

    private func read(_ file: String, field: String, in path: String) throws(KubeconfigError) -> Data {
        guard FileManager.default.fileExists(atPath: file) else {
            throw .referencedFileUnreadable(path: path, field: field, file: file, detail: "no such file")
        }
        do { return try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw .referencedFileUnreadable(path: path, field: field, file: file, detail: error.localizedDescription)
        }
    }
}
