// InjectionOffers: the ClusterPullSecrets of the informer cache as PodPullSecretInjection offers,
// resolved as the reconciler resolves them (profiles, the source's own registries). Resolving
// decodes the spec, so each object is resolved once per resourceVersion, not once per pod.
import CredentialSources
import KubernetesClient
import Operations
import RegcredCore
import Synchronization

public final class InjectionOffers: Sendable {
    private let catalog: ProfileCatalog
    private let resolved = Mutex<[String: Entry]>([:])

    private struct Entry {
        var resourceVersion: String?
        /// nil: the spec is invalid, or the ClusterPullSecret is being deleted; it offers nothing.
        var offer: PodPullSecretInjection.Offer?
    }

    public init(catalog: ProfileCatalog) {
        self.catalog = catalog
    }

    /// The offers of these ClusterPullSecrets, in no particular order. An invalid spec offers
    /// nothing (the reconciler reports it in status); so does one being deleted, whose secrets
    /// are on their way out.
    public func offers(from clusterPullSecrets: some Collection<ClusterPullSecret>) -> [PodPullSecretInjection.Offer] {
        resolved.withLock { cache in
            var offers: [PodPullSecretInjection.Offer] = []
            for resource in clusterPullSecrets {
                guard let name = resource.metadata.name else { continue }
                let version = resource.metadata.resourceVersion
                if let entry = cache[name], entry.resourceVersion == version, version != nil {
                    if let offer = entry.offer { offers.append(offer) }
                    continue
                }
                let offer = ClusterPullSecretOffers.offer(for: resource, catalog: catalog)
                cache[name] = Entry(resourceVersion: version, offer: offer)
                if let offer { offers.append(offer) }
            }
            // Forget deleted ones, so the cache never outgrows the informer's.
            if cache.count > clusterPullSecrets.count {
                let present = Set(clusterPullSecrets.compactMap(\.metadata.name))
                cache = cache.filter { present.contains($0.key) }
            }
            return offers
        }
    }
}
