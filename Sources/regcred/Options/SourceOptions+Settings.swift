// How the `--source` flags stand for a source's spec fields and Secrets, so that a source's errors
// name the flag or file to change rather than a ClusterPullSecret field.
import CredentialSources

extension SourceOptions {
    /// Spec field paths under `spec.source` → the flag that sets them.
    static let flagsForFields: [String: String] = [
        "ecr.regions": "--region", "ecr.registryIds": "--registry-id", "ecr.public": "--ecr-public", "ecr.roleArn": "--role-arn",
        "ecr.externalId": "--external-id",
        "gcp.serviceAccountKeySecretRef": "--gcp-key-file", "gcp.workloadIdentity": "--gcp-workload-identity",
        "acr.registry": "--acr-registry", "acr.tenantId": "--tenant-id", "acr.clientId": "--client-id",
        "acr.clientSecretRef": "--client-secret-file", "acr.workloadIdentity": "--azure-workload-identity",
        "acr.managedIdentity": "--managed-identity",
        "githubApp.appId": "--app-id", "githubApp.installationId": "--installation-id",
        "githubApp.privateKeySecretRef": "--private-key-file", "githubApp.apiURL": "--github-api-url",
    ]

    /// These flags as the source's settings; `environment` says where environment variables are set.
    func settings(environment: String) -> SourceSettings {
        let files: [String: CommandLineSettings.KeyFile] = [
            Self.gcpKey: gcpKeyFile.map { .init(flag: "--gcp-key-file", path: $0) },
            Self.acrSecret: clientSecretFile.map { .init(flag: "--client-secret-file", path: $0) },
            Self.githubKey: privateKeyFile.map { .init(flag: "--private-key-file", path: $0) },
        ].compactMapValues { $0 }
        return .commandLine(CommandLineSettings(flags: Self.flagsForFields, files: files, environment: environment))
    }
}
