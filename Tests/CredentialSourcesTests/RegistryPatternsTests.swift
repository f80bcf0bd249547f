// Which registries a source's spec says it can serve before any provider call: what the kubelet
// plugin answers 0s for without calling the provider.
import RegcredCore
import Testing

@testable import CredentialSources

@Suite("Registry patterns of a source spec")
struct RegistryPatternsTests {
    static let key = SecretKeyReference(name: "k")

    @Test("each source serves its own registries, as kubelet match keys", arguments: [
        (CredentialSourceSpec(ecr: ECRSourceSpec(regions: ["us-east-1", "eu-west-1"])),
         ["*.dkr.ecr.us-east-1.amazonaws.com", "*.dkr.ecr.eu-west-1.amazonaws.com"]),
        (CredentialSourceSpec(ecr: ECRSourceSpec(regions: ["cn-north-1"], registryIds: ["123456789012", "210987654321"])),
         ["123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", "210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn"]),
        (CredentialSourceSpec(ecr: ECRSourceSpec(public: true)), ["public.ecr.aws"]),
        (CredentialSourceSpec(acr: ACRSourceSpec(registry: "example.azurecr.io", managedIdentity: ManagedIdentitySpec())), ["example.azurecr.io"]),
        (CredentialSourceSpec(githubApp: GitHubAppSourceSpec(appId: "1", installationId: "2", privateKeySecretRef: key)), ["ghcr.io"]),
        (CredentialSourceSpec(githubApp: GitHubAppSourceSpec(appId: "1", installationId: "2", privateKeySecretRef: key, registry: "ghcr.example.com")),
         ["ghcr.example.com"]),
        (CredentialSourceSpec(gcp: GCPSourceSpec(workloadIdentity: WorkloadIdentitySpec())), []),
    ])
    func patterns(spec: CredentialSourceSpec, expected: [String]) {
        #expect(spec.registryPatterns == expected)
    }
}
