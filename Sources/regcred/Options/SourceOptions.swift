// `--source ecr|gcp|acr|github-app` and its flags: mapped onto the same CredentialSourceSpec a
// ClusterPullSecret holds, so the CLI mints tokens with exactly the controller's code. Key
// material comes from files, never from flag values.
import ArgumentParser
import CredentialSources
import Foundation
import Operations
import RegcredCore

enum SourceKind: String, ExpressibleByArgument, CaseIterable {
    case ecr, gcp, acr
    case githubApp = "github-app"
}

struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Mint a token from a provider instead of reading a password: ecr, gcp, acr or github-app.", valueName: "kind"))
    var source: SourceKind?

    // ECR
    @Option(name: .long, help: ArgumentHelp("ECR: a region whose registries get a token (repeatable).", valueName: "region"))
    var region: [String] = []
    @Option(name: .long, help: ArgumentHelp("ECR: a registry (AWS account) id (repeatable; default the caller's account).", valueName: "id"))
    var registryId: [String] = []
    @Flag(name: .long, help: "ECR: ECR Public (public.ecr.aws) instead of private registries.")
    var ecrPublic = false
    @Option(name: .long, help: ArgumentHelp("ECR: a role to assume (STS AssumeRole) on top of the standard AWS credentials.", valueName: "arn"))
    var roleArn: String?
    @Option(name: .long, help: ArgumentHelp("ECR: the external id for --role-arn.", valueName: "id"))
    var externalId: String?

    // GCP
    @Option(name: .long, help: ArgumentHelp("GCP: a service-account key file (JSON).", valueName: "file"))
    var gcpKeyFile: String?
    @Flag(name: .long, help: "GCP: use the metadata server (workload identity) instead of a key.")
    var gcpWorkloadIdentity = false

    // ACR
    @Option(name: .long, help: ArgumentHelp("ACR: the registry, e.g. example.azurecr.io.", valueName: "host"))
    var acrRegistry: String?
    @Option(name: .long, help: ArgumentHelp("ACR: the Microsoft Entra tenant id.", valueName: "id"))
    var tenantId: String?
    @Option(name: .long, help: ArgumentHelp("ACR: the client (application) id.", valueName: "id"))
    var clientId: String?
    @Option(name: .long, help: ArgumentHelp("ACR: a file holding the client secret.", valueName: "file"))
    var clientSecretFile: String?
    @Flag(name: .long, help: "ACR: use workload identity (AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID).")
    var azureWorkloadIdentity = false
    @Flag(name: .long, help: "ACR: use the managed identity (IMDS).")
    var managedIdentity = false

    // GitHub App
    @Option(name: .long, help: ArgumentHelp("GitHub App: the app id.", valueName: "id"))
    var appId: String?
    @Option(name: .long, help: ArgumentHelp("GitHub App: the installation id.", valueName: "id"))
    var installationId: String?
    @Option(name: .long, help: ArgumentHelp("GitHub App: the app's private key (PEM file).", valueName: "file"))
    var privateKeyFile: String?
    @Option(name: .long, help: ArgumentHelp("GitHub App: the API base URL for GitHub Enterprise (default https://api.github.com).", valueName: "url"))
    var githubApiURL: String?

    /// The names under which the CLI hands local key files to a source, as the controller hands Secrets.
    static let gcpKey = "gcp-key", acrSecret = "acr-client-secret", githubKey = "github-app-key"

    func validate() throws {
        let ecrFlags = !region.isEmpty || !registryId.isEmpty || ecrPublic || roleArn != nil || externalId != nil
        let gcpFlags = gcpKeyFile != nil || gcpWorkloadIdentity
        let acrFlags = acrRegistry != nil || tenantId != nil || clientId != nil || clientSecretFile != nil || azureWorkloadIdentity || managedIdentity
        let githubFlags = appId != nil || installationId != nil || privateKeyFile != nil || githubApiURL != nil
        let used: [(SourceKind, Bool)] = [(.ecr, ecrFlags), (.gcp, gcpFlags), (.acr, acrFlags), (.githubApp, githubFlags)]
        for (kind, present) in used where present && source != kind {
            throw ValidationError("flags for --source \(kind.rawValue) given without --source \(kind.rawValue)")
        }
    }

    /// The spec these flags describe; nil without --source.
    var spec: CredentialSourceSpec? {
        guard let source else { return nil }
        switch source {
        case .ecr:
            return CredentialSourceSpec(ecr: ECRSourceSpec(
                regions: region.isEmpty ? nil : region, registryIds: registryId.isEmpty ? nil : registryId,
                public: ecrPublic ? true : nil, roleArn: roleArn, externalId: externalId))
        case .gcp:
            return CredentialSourceSpec(gcp: GCPSourceSpec(
                serviceAccountKeySecretRef: gcpKeyFile.map { _ in SecretKeyReference(name: Self.gcpKey, key: "key.json") },
                workloadIdentity: gcpWorkloadIdentity ? WorkloadIdentitySpec() : nil))
        case .acr:
            return CredentialSourceSpec(acr: ACRSourceSpec(
                registry: acrRegistry ?? "", tenantId: tenantId, clientId: clientId,
                clientSecretRef: clientSecretFile.map { _ in SecretKeyReference(name: Self.acrSecret, key: "clientSecret") },
                workloadIdentity: azureWorkloadIdentity ? WorkloadIdentitySpec() : nil,
                managedIdentity: managedIdentity ? ManagedIdentitySpec(clientId: clientId) : nil))
        case .githubApp:
            return CredentialSourceSpec(githubApp: GitHubAppSourceSpec(
                appId: appId ?? "", installationId: installationId ?? "",
                privateKeySecretRef: SecretKeyReference(name: Self.githubKey, key: "private-key.pem"), apiURL: githubApiURL))
        }
    }

    /// Key files by the names the spec refers to; a missing file is reported as such by the source.
    var localSecrets: SourceSecrets {
        MintCredential.localSecrets([
            Self.gcpKey: gcpKeyFile.map { ("key.json", $0) }, Self.acrSecret: clientSecretFile.map { ("clientSecret", $0) },
            Self.githubKey: privateKeyFile.map { ("private-key.pem", $0) },
        ].compactMapValues { $0 })
    }

    /// Mints once with the process environment (AWS_*, GCE_METADATA_HOST, AZURE_*, …).
    func mint() async throws -> CredentialMaterial? {
        guard let spec else { return nil }
        return try await MintCredential.fetch(spec, context: SourceContext(http: .shared, secrets: localSecrets))
    }
}
