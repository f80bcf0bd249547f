// ExecConfig: an exec credential plugin as a kubeconfig user declares it (`aws eks get-token`,
// `gke-gcloud-auth-plugin`): the command, its arguments and environment, and the API version.

public struct ExecConfig: Sendable, Equatable {
    public static let v1 = "client.authentication.k8s.io/v1"
    public static let v1beta1 = "client.authentication.k8s.io/v1beta1"

    /// As written, or made absolute against the kubeconfig's folder when it contains a `/`.
    public var command: String
    public var args: [String]
    public var env: [EnvVar]
    public var apiVersion: String
    public var installHint: String?
    public var provideClusterInfo: Bool
    /// `Never`, `IfAvailable` or `Always`; required in v1.
    public var interactiveMode: String?

    public struct EnvVar: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(command: String, args: [String] = [], env: [EnvVar] = [], apiVersion: String = ExecConfig.v1,
                installHint: String? = nil, provideClusterInfo: Bool = false, interactiveMode: String? = "Never") {
        self.command = command
        self.args = args
        self.env = env
        self.apiVersion = apiVersion
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.interactiveMode = interactiveMode
    }
}
