// ClusterPullSecretOffers: which ClusterPullSecrets select a namespace, with the secret they write
// there, the hosts they serve and whether their pod injection is on, so that `doctor` and `scan`
// can tell what regcred's pod webhook did or would have done. Best effort: a caller that may not
// list ClusterPullSecrets (or a cluster without the CRD) gets no offers, and the diagnosis goes on.
import Foundation
import KubernetesClient
import RegcredCore

public enum ClusterPullSecretOffers {
    /// The offers for each of `namespaces` (as read by the caller).
    public static func read(client: KubeClient, namespaces: [Namespace], catalog: ProfileCatalog = ProfileCatalog()) async -> [String: [PodInjectionOffer]] {
        let resources: [ClusterPullSecret]
        do {
            resources = try await client.resource(ClusterPullSecret.self).listAll().items
        } catch {
            return [:]
        }
        return offers(resources: resources, namespaces: namespaces.map(observed), catalog: catalog)
    }

    /// The offers for one namespace, read by name.
    public static func read(client: KubeClient, namespace: String, catalog: ProfileCatalog = ProfileCatalog()) async -> [PodInjectionOffer] {
        guard let object = try? await client.resource(Namespace.self).get(namespace) else { return [] }
        return await read(client: client, namespaces: [object], catalog: catalog)[namespace] ?? []
    }

    /// Pure: each valid ClusterPullSecret's offer in every namespace it selects.
    public static func offers(resources: [ClusterPullSecret], namespaces: [ObservedNamespace], catalog: ProfileCatalog) -> [String: [PodInjectionOffer]] {
        var result: [String: [PodInjectionOffer]] = [:]
        for resource in resources {
            guard let name = resource.metadata.name, case .success(let spec) = resource.decodedSpec(),
                  case .success(let policy) = ClusterPullSecretPolicy.resolve(name: name, spec: spec, catalog: catalog)
            else { continue }
            let offer = PodInjectionOffer(
                clusterPullSecret: name, secretName: policy.secretName, registries: policy.registries,
                injectionEnabled: injectionEnabled(resource))
            for namespace in namespaces where policy.scope.decide(namespace) == .selected {
                result[namespace.name, default: []].append(offer)
            }
        }
        return result
    }

    /// `spec.podInjection.enabled`, read from the spec as stored: default off.
    static func injectionEnabled(_ resource: ClusterPullSecret) -> Bool {
        resource.spec["podInjection"]?["enabled"] == .bool(true)
    }

    static func observed(_ namespace: Namespace) -> ObservedNamespace {
        ObservedNamespace(
            name: namespace.metadata.name ?? "", labels: namespace.metadata.labels, annotations: namespace.metadata.annotations,
            isTerminating: namespace.metadata.deletionTimestamp != nil)
    }
}
