// The token sources of a ClusterPullSecret (`spec.source.ecr|gcp|acr|githubApp`). Each names its
// provider's endpoints as overridable fields, so tests and private endpoints never need a code change.

/// Amazon ECR (private registries, or ECR Public).
public struct ECRSourceSpec: Codable, Hashable, Sendable {
    /// Regions whose private registries get a token: one GetAuthorizationToken call each.
    public var regions: [String]?
    /// Registry (AWS account) ids; default the caller's own account.
    public var registryIds: [String]?
    /// ECR Public (`public.ecr.aws`, service `ecr-public` in us-east-1) instead of private registries.
    public var `public`: Bool?
    /// Assumed (STS AssumeRole) on top of the base credentials.
    public var roleArn: String?
    public var externalId: String?
    /// A Secret with `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (and optionally
    /// `AWS_SESSION_TOKEN`) keys; default the SDKs' standard credential chain.
    public var credentialsSecretRef: LocalSecretReference?
    /// Overrides the ECR endpoint (otherwise `AWS_ENDPOINT_URL_ECR`, `AWS_ENDPOINT_URL`, then the partition's).
    public var endpoint: String?
    /// Overrides the STS endpoint (otherwise `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, then the regional one).
    public var stsEndpoint: String?

    public init(
        regions: [String]? = nil, registryIds: [String]? = nil, public: Bool? = nil, roleArn: String? = nil,
        externalId: String? = nil, credentialsSecretRef: LocalSecretReference? = nil, endpoint: String? = nil,
        stsEndpoint: String? = nil
    ) {
        self.regions = regions
        self.registryIds = registryIds
        self.public = `public`
        self.roleArn = roleArn
        self.externalId = externalId
        self.credentialsSecretRef = credentialsSecretRef
        self.endpoint = endpoint
        self.stsEndpoint = stsEndpoint
    }
}

/// Google Artifact Registry / Container Registry: an OAuth2 access token, username `oauth2accesstoken`.
public struct GCPSourceSpec: Codable, Hashable, Sendable {
    /// A service-account key (JSON); key default `key.json`.
    public var serviceAccountKeySecretRef: SecretKeyReference?
    /// Use the metadata server (GKE workload identity) instead of a key.
    public var workloadIdentity: WorkloadIdentitySpec?
    /// Overrides the key's `token_uri`.
    public var tokenEndpoint: String?
    /// Overrides the metadata server host (otherwise `GCE_METADATA_HOST`, then `metadata.google.internal`).
    public var metadataHost: String?

    public init(
        serviceAccountKeySecretRef: SecretKeyReference? = nil, workloadIdentity: WorkloadIdentitySpec? = nil,
        tokenEndpoint: String? = nil, metadataHost: String? = nil
    ) {
        self.serviceAccountKeySecretRef = serviceAccountKeySecretRef
        self.workloadIdentity = workloadIdentity
        self.tokenEndpoint = tokenEndpoint
        self.metadataHost = metadataHost
    }
}

/// Azure Container Registry: a Microsoft Entra token exchanged for an ACR refresh token.
public struct ACRSourceSpec: Codable, Hashable, Sendable {
    /// The registry host, e.g. `example.azurecr.io`.
    public var registry: String
    public var tenantId: String?
    public var clientId: String?
    /// A client secret (service principal); key default `clientSecret`.
    public var clientSecretRef: SecretKeyReference?
    /// Federated token (`AZURE_FEDERATED_TOKEN_FILE`), as AKS workload identity provides it.
    public var workloadIdentity: WorkloadIdentitySpec?
    /// The VM's or pod's managed identity through IMDS.
    public var managedIdentity: ManagedIdentitySpec?
    /// Overrides the Entra authority (otherwise `AZURE_AUTHORITY_HOST`, then `https://login.microsoftonline.com`).
    public var authorityHost: String?
    /// Overrides `https://<registry>` for the token exchange.
    public var endpoint: String?

    public init(
        registry: String, tenantId: String? = nil, clientId: String? = nil, clientSecretRef: SecretKeyReference? = nil,
        workloadIdentity: WorkloadIdentitySpec? = nil, managedIdentity: ManagedIdentitySpec? = nil,
        authorityHost: String? = nil, endpoint: String? = nil
    ) {
        self.registry = registry
        self.tenantId = tenantId
        self.clientId = clientId
        self.clientSecretRef = clientSecretRef
        self.workloadIdentity = workloadIdentity
        self.managedIdentity = managedIdentity
        self.authorityHost = authorityHost
        self.endpoint = endpoint
    }
}

/// A GitHub App installation token (1 h) for GHCR.
public struct GitHubAppSourceSpec: Codable, Hashable, Sendable {
    public var appId: String
    public var installationId: String
    /// The app's private key (PEM); key default `private-key.pem`.
    public var privateKeySecretRef: SecretKeyReference
    /// GitHub Enterprise API base URL; default `https://api.github.com`.
    public var apiURL: String?
    /// The registry host the token serves; default `ghcr.io`.
    public var registry: String?

    public init(
        appId: String, installationId: String, privateKeySecretRef: SecretKeyReference, apiURL: String? = nil,
        registry: String? = nil
    ) {
        self.appId = appId
        self.installationId = installationId
        self.privateKeySecretRef = privateKeySecretRef
        self.apiURL = apiURL
        self.registry = registry
    }
}

/// Presence alone selects workload identity (`workloadIdentity: {}`).
public struct WorkloadIdentitySpec: Codable, Hashable, Sendable {
    public init() {}
}

public struct ManagedIdentitySpec: Codable, Hashable, Sendable {
    /// A user-assigned identity's client id; default the system-assigned identity.
    public var clientId: String?
    /// Overrides the IMDS endpoint (otherwise `http://169.254.169.254`).
    public var endpoint: String?

    public init(clientId: String? = nil, endpoint: String? = nil) {
        self.clientId = clientId
        self.endpoint = endpoint
    }
}
