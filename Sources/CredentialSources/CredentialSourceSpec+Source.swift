// One way to build a source, for the controller (from a ClusterPullSecret) and the CLI (from flags
// turned into the same spec).
import RegcredCore

extension CredentialSourceSpec {
    /// The source this spec describes. Call `problems` first: an invalid spec throws `.misconfigured`.
    public func makeSource(context: SourceContext) throws(CredentialSourceError) -> any CredentialSource {
        if let spec = gcp { return GCPTokenSource(spec: spec, context: context) }
        if let spec = acr { return ACRTokenSource(spec: spec, context: context) }
        if let spec = githubApp { return GitHubAppTokenSource(spec: spec, context: context) }
        if let spec = `static` { return StaticSource(spec: spec, context: context) }
        if let spec = ecr { return ECRTokenSource(spec: spec, context: context) }
        throw CredentialSourceError(
            .misconfigured, provider: configuredKinds.first ?? "source",
            "set exactly one source (\(Self.allKinds.joined(separator: ", ")))")
    }
}
