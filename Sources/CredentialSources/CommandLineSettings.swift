// How command-line flags stand for a source's spec (which flag sets which field, which file stands for
// which Secret) and where their process's environment is set, for messages.

/// How flags stand for a source's spec: which flag sets which field, which file stands for which Secret.
public struct CommandLineSettings: Hashable, Sendable {
    /// A file given by a flag, read where the controller would read a Secret.
    public struct KeyFile: Hashable, Sendable {
        public var flag: String
        public var path: String

        public init(flag: String, path: String) {
            self.flag = flag
            self.path = path
        }
    }

    /// Spec field paths under `spec.source` (`ecr.regions`) → the flag that sets them (`--region`).
    public var flags: [String: String]
    /// Secret names the spec refers to → the file (and its flag) the CLI reads instead.
    public var files: [String: KeyFile]
    /// Where environment variables are set: "the environment", or for the kubelet plugin
    /// "the kubelet's environment or the provider's env: list".
    public var environment: String

    public init(flags: [String: String], files: [String: KeyFile], environment: String) {
        self.flags = flags
        self.files = files
        self.environment = environment
    }
}
