/// CredentialSources: turns a source spec (ClusterPullSecret `spec.source`, or CLI flags mapped to
/// the same spec) into registry credentials: static secrets, ECR, GCP, ACR and GitHub App tokens.
///
/// It owns the provider protocols (AWS SigV4 and the credential chain, OAuth2 JWT-bearer,
/// Entra + ACR exchange, GitHub App JWTs) and nothing else: no Kubernetes client (secrets come
/// through `SourceSecrets`), no scheduling (RegcredCore's `RefreshSchedule` decides when).
