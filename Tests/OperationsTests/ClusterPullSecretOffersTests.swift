// ClusterPullSecretOffers: the one place a ClusterPullSecret becomes the pod webhook's offer, for
// the webhook and for doctor and scan alike.
import Foundation
import KubernetesClient
import Operations
import RegcredCore
import Testing

@Suite struct ClusterPullSecretOffersTests {
    static func resource(_ name: String, _ spec: ClusterPullSecretSpec) -> ClusterPullSecret {
        ClusterPullSecret(metadata: ObjectMeta(name: name), spec: spec)
    }

    @Test("an ECR source offers its own registries, and spec.podInjection is read from the typed spec")
    func sourceRegistriesAndInjection() throws {
        let spec = ClusterPullSecretSpec(
            source: CredentialSourceSpec(ecr: ECRSourceSpec(regions: ["eu-west-1"], registryIds: ["123456789012"])),
            podInjection: PodInjectionSpec(enabled: true, images: .all))
        let offer = try #require(ClusterPullSecretOffers.offer(for: Self.resource("ecr", spec), catalog: ProfileCatalog()))
        #expect(offer.registries == ["123456789012.dkr.ecr.eu-west-1.amazonaws.com"])
        #expect(offer.injection == ClusterPullSecretPolicy.PodInjection(enabled: true, images: .all))
        #expect(offer.secretName == ClusterPullSecretPolicy.defaultSecretName(for: "ecr"))
    }

    @Test("an invalid spec or a ClusterPullSecret being deleted offers nothing; offers go to the namespaces selected")
    func selection() {
        let valid = Self.resource("ghcr", ClusterPullSecretSpec(
            registries: ["ghcr.io"], source: CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "t"))),
            namespaces: NamespacesSpec(exclude: ["kube-*"])))
        var deleting = valid
        deleting.metadata.name = "deleting"
        deleting.metadata.deletionTimestamp = Date(timeIntervalSince1970: 1_800_000_000)
        let unknownProfile = Self.resource("bad", ClusterPullSecretSpec(
            profile: "no-such-profile", source: CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "t")))))
        let offers = ClusterPullSecretOffers.offers(
            resources: [valid, deleting, unknownProfile],
            namespaces: [ObservedNamespace(name: "shop"), ObservedNamespace(name: "kube-system")], catalog: ProfileCatalog())
        #expect(offers["shop"]?.map(\.clusterPullSecret) == ["ghcr"])
        #expect(offers["kube-system"] == nil)
    }
}
