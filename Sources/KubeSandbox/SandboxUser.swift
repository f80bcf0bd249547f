// SandboxUser: an identity the sandbox authenticates (bearer token, or a client certificate
// whose CN is the name) and the RBAC rules it is granted (nil = everything).
public struct SandboxUser: Sendable {
    public var name: String
    public var token: String
    public var rules: [PolicyRule]?

    public init(name: String, token: String, rules: [PolicyRule]? = nil) {
        self.name = name
        self.token = token
        self.rules = rules
    }

    /// Allowed everything, like a cluster-admin binding.
    public static let admin = SandboxUser(name: "admin", token: "sandbox-admin-token")
}
