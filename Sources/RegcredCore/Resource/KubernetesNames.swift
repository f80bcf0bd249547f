// Kubernetes name rules (DNS-1123), checked before we ask the API server to create anything.

public enum KubernetesNames {
    /// DNS-1123 subdomain: what most object names (Secrets, ServiceAccounts) must be.
    public static func subdomainProblem(_ name: String) -> String? {
        guard !name.isEmpty else { return "must not be empty" }
        guard name.utf8.count <= 253 else { return "must be no more than 253 characters" }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            if let problem = labelProblem(String(label), maxLength: 253) { return problem }
        }
        return nil
    }

    /// DNS-1123 label: namespace names.
    public static func labelProblem(_ name: String, maxLength: Int = 63) -> String? {
        guard !name.isEmpty else { return "must not be empty" }
        guard name.utf8.count <= maxLength else { return "must be no more than \(maxLength) characters" }
        let bytes = Array(name.utf8)
        let allowed = bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        guard allowed, bytes.first != 0x2D, bytes.last != 0x2D else {
            return "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
        }
        return nil
    }
}
