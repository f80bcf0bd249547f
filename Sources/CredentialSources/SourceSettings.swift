// Where a source's settings come from, so that its errors name what the user can change there:
// spec fields and Secrets of the controller's namespace (a ClusterPullSecret), or flags, files and
// environment variables (the CLI and the kubelet credential provider plugin).

public enum SourceSettings: Hashable, Sendable {
    /// A ClusterPullSecret: settings are `spec.source.…` fields, key material sits in Secrets of the
    /// controller's namespace, environment variables are the controller pod's.
    case clusterPullSecret
    /// Command-line flags: settings are flags, key material sits in files, environment variables are
    /// those of the process that runs regcred.
    case commandLine(CommandLineSettings)

    /// What the user sets for a spec field under `spec.source` (e.g. `ecr.roleArn`): the field itself,
    /// or its flag; nil when this mode has no way to set it.
    public func name(ofField path: String) -> String? {
        switch self {
        case .clusterPullSecret: "spec.source." + path
        case .commandLine(let settings): settings.flags[path]
        }
    }

    /// How messages name the setting at `path` under `spec.source` in this mode: the field, its
    /// flag, or (a setting with no flag of its own) the `--source` that selects it.
    public func fieldName(_ path: String) -> String {
        if let name = name(ofField: path) { return name }
        return "--source \(path.split(separator: ".").first.map(String.init) ?? path)"
    }

    /// Whose identity workload-identity federation must be set up for, for messages.
    public var workload: String {
        switch self {
        case .clusterPullSecret: "the controller's pod and its Kubernetes service account"
        case .commandLine: "the pod or node regcred runs on (for the kubelet plugin: the node)"
        }
    }

    /// Where environment variables such as AWS_ACCESS_KEY_ID are set, for messages.
    public var environment: String {
        switch self {
        case .clusterPullSecret: "the controller's environment"
        case .commandLine(let settings): settings.environment
        }
    }

    /// Where the key material a source reads under the Secret `name` (key `key`) comes from:
    /// "secret gcp-key (key key.json)" or "--gcp-key-file /etc/regcred/gcp.json".
    public func origin(ofSecret name: String, key: String) -> String {
        switch self {
        case .clusterPullSecret: "secret \(name) (key \(key))"
        case .commandLine(let settings):
            settings.files[name].map { "\($0.flag) \($0.path)" } ?? "secret \(name) (key \(key))"
        }
    }
}
