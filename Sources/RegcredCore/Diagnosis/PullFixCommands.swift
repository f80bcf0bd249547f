// The exact commands `doctor` prints as fixes: regcred for secrets, kubectl for references
// and for recreating pods. Passwords are always read from standard input, never written here.
import Foundation

struct PullFixCommands {
    let namespace: String?

    var namespaceSuffix: String { namespace.map { " -n \($0)" } ?? "" }

    /// Replaces one entry's password (and its derived auth) in place.
    func updateToken(secret: PullSecretVerdict, registryKey: String, username: String? = nil) -> String {
        let user = username.map { " --username \(Self.quoted($0))" } ?? ""
        if let file = secret.file {
            return "regcred update -f \(Self.quoted(file)) --registry \(Self.quoted(registryKey))\(user) --password-stdin --in-place"
        }
        return "regcred update \(secret.name) --registry \(Self.quoted(registryKey))\(user) --password-stdin\(namespaceSuffix)"
    }

    /// Creates (or, with `overwrite`, rewrites) a pull secret for the given hosts.
    func create(secret: String, registries: [String], username: String?, overwrite: Bool = false) -> String {
        let hosts = registries.map { " --registry \(Self.quoted($0))" }.joined()
        let user = Self.quoted(username ?? "<username>")
        return "regcred create \(secret)\(hosts) --username \(user) --password-stdin\(overwrite ? " --overwrite" : "")\(namespaceSuffix)"
    }

    func deleteSecret(_ name: String) -> String { "kubectl delete secret \(name)\(namespaceSuffix)" }

    /// A merge patch replaces the service account's whole list, so it carries every name.
    func patchServiceAccount(_ serviceAccount: String, pullSecrets: [String]) -> String {
        let list = pullSecrets.map { "{\"name\":\"\($0)\"}" }.joined(separator: ",")
        return "kubectl patch serviceaccount \(serviceAccount)\(namespaceSuffix) -p '{\"imagePullSecrets\":[\(list)]}'"
    }

    /// How to get a pod created again, so that admission copies the service account's list.
    func recreate(pod: String, owner: PullDiagnosisInput.PodOwner?) -> String {
        switch owner?.kind {
        case "ReplicaSet":
            if let owner, let hash = owner.podTemplateHash, owner.name.hasSuffix("-" + hash) {
                return "kubectl rollout restart deployment/\(owner.name.dropLast(hash.count + 1))\(namespaceSuffix)"
            }
            return "kubectl delete pod \(pod)\(namespaceSuffix)"
        case "StatefulSet", "DaemonSet":
            return "kubectl rollout restart \(owner!.kind.lowercased())/\(owner!.name)\(namespaceSuffix)"
        default:
            return "kubectl delete pod \(pod)\(namespaceSuffix)"
        }
    }

    /// Single-quotes a word for a POSIX shell when it needs it.
    static func quoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "-_./:@".unicodeScalars.contains($0)
        }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
