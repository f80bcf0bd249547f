// SandboxUser: an identity the sandbox authenticates (bearer token, or a client certificate
// whose CN is the name) and the RBAC rules it is granted (nil = everything).
public struct SandboxUser: Sendable {
    public var name: String
    public var token: String
    public var rules: [PolicyRule]?
    /// Set for a service account authenticated by a token from the TokenRequest subresource:
    /// its rules come from the RBAC objects stored in the sandbox, read at each request.
    var serviceAccount: ObjectKey?

    public init(name: String, token: String, rules: [PolicyRule]? = nil) {
        self.name = name
        self.token = token
        self.rules = rules
    }

    /// A service account's identity, as the API server names it.
    static func serviceAccount(_ key: ObjectKey, token: String) -> SandboxUser {
        var user = SandboxUser(name: "system:serviceaccount:\(key.namespace):\(key.name)", token: token, rules: [])
        user.serviceAccount = key
        return user
    }

    /// Allowed everything, like a cluster-admin binding.
    public static let admin = SandboxUser(name: "admin", token: "sandbox-admin-token")
}
