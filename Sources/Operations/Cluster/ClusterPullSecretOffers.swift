// ClusterPullSecretOffers: ClusterPullSecrets as the pod webhook's offers (PodPullSecretInjection),
// resolved as the reconciler resolves them (profiles, the token source's own registries). The
// webhook's cache and `doctor`/`scan` both make offers here, so both say the same. Reading for
// doctor and scan is best effort: a caller that may not list ClusterPullSecrets (or a cluster
// without the CRD) gets no offers, and the diagnosis goes on.
import CredentialSources
import Foundation
import KubernetesClient
import RegcredCore

public enum ClusterPullSecretOffers {
    /// The offers for each of `namespaces` (as read by the caller).
    public static func read(client: KubeClient, namespaces: [Namespace], catalog: ProfileCatalog = ProfileCatalog()) async -> [String: [PodPullSecretInjection.Offer]] {
        let resources: [ClusterPullSecret]
        do {
            resources = try await client.resource(ClusterPullSecret.self).listAll().items
        } catch {
            return [:]
        }
        return offers(resources: resources, namespaces: namespaces.map(observed), catalog: catalog)
    }

    /// The offers for one namespace, read by name.
    public static func read(client: KubeClient, namespace: String, catalog: ProfileCatalog = ProfileCatalog()) async -> [PodPullSecretInjection.Offer] {
        guard let object = try? await client.resource(Namespace.self).get(namespace) else { return [] }
        return await read(client: client, namespaces: [object], catalog: catalog)[namespace] ?? []
    }

    /// Pure: each valid ClusterPullSecret's offer in every namespace it selects.
    public static func offers(resources: [ClusterPullSecret], namespaces: [ObservedNamespace], catalog: ProfileCatalog) -> [String: [PodPullSecretInjection.Offer]] {
        var result: [String: [PodPullSecretInjection.Offer]] = [:]
        for resource in resources {
            guard let offer = offer(for: resource, catalog: catalog) else { continue }
            for namespace in namespaces where offer.scope.decide(namespace) == .selected {
                result[namespace.name, default: []].append(offer)
            }
        }
        return result
    }

    /// One ClusterPullSecret's offer; nil when its spec is invalid (the reconciler reports that in
    /// status) or it is being deleted (its secrets are on their way out).
    public static func offer(for resource: ClusterPullSecret, catalog: ProfileCatalog) -> PodPullSecretInjection.Offer? {
        guard resource.metadata.deletionTimestamp == nil, let name = resource.metadata.name,
            case .success(let spec) = resource.decodedSpec(),
            case .success(let policy) = ClusterPullSecretPolicy.resolve(name: name, spec: spec, catalog: catalog)
        else { return nil }
        return PodPullSecretInjection.Offer(policy: policy, sourceRegistries: spec.source.registryPatterns)
    }

    static func observed(_ namespace: Namespace) -> ObservedNamespace {
        ObservedNamespace(
            name: namespace.metadata.name ?? "", labels: namespace.metadata.labels, annotations: namespace.metadata.annotations,
            isTerminating: namespace.metadata.deletionTimestamp != nil)
    }
}
