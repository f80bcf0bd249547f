// kubectl-style results of cluster writes: "secret/NAME created", or the object as YAML/JSON.
import KubernetesClient
import Operations

enum ClusterOutput {
    static func render(_ secret: Secret, as output: CreateOutputFormat?, verb: String, dryRun: PullSecretsInCluster.DryRun) -> String {
        var manifest = secret.json
        manifest["kind"] = "Secret"
        manifest["apiVersion"] = "v1"
        switch output {
        case .yaml: return manifest.yamlString()
        case .json: return manifest.encodedString(pretty: true) + "\n"
        default:
            let suffix = dryRun == .server ? " (server dry run)" : ""
            return "secret/\(secret.metadata.name ?? "") \(verb)\(suffix)\n"
        }
    }
}
