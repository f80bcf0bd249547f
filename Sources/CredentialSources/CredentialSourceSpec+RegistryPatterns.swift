// Which registry hosts a source's tokens can serve, known from its spec before any provider call,
// as docker config keys the kubelet matches (`*` stands for one host label, e.g. the AWS account).
import RegcredCore

extension CredentialSourceSpec {
    /// The registries this source mints tokens for, as kubelet match keys:
    /// - ecr: `<account>.dkr.ecr.<region>.<partition suffix>` per region, `*` for the account unless
    ///   registry ids are named; `public.ecr.aws` for ECR Public;
    /// - acr: the registry; githubApp: the registry (default ghcr.io);
    /// - gcp and static: none of their own (their registries are configured beside the source).
    public var registryPatterns: [String] {
        if let ecr {
            let accounts = (ecr.registryIds ?? []).isEmpty ? ["*"] : ecr.registryIds ?? []
            var patterns = (ecr.regions ?? []).flatMap { region in
                accounts.map { "\($0).dkr.ecr.\(region).\(AWSEndpoints.dnsSuffix(region: region))" }
            }
            if ecr.public == true { patterns.append(AWSEndpoints.ecrPublicRegistry) }
            return patterns
        }
        if let acr { return [acr.registry] }
        if let githubApp { return [githubApp.registry ?? GitHubAppTokenSource.defaultRegistry] }
        return []
    }
}
