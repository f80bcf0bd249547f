// PodPullSecretInjection: which pull secrets a pod gets at creation, and the JSON Patch that adds
// them. The pod admission webhook feeds it the pod, its namespace and the ClusterPullSecrets; it
// only appends to `spec.imagePullSecrets`, never removes, reorders or touches anything else.
import Foundation

public enum PodPullSecretInjection {
    /// The parts of a pod the decision reads, as the admission request shows it.
    public struct Pod: Hashable, Sendable {
        /// The request's namespace (a pod made with generateName may not carry one in its metadata).
        public var namespace: String
        public var annotations: [String: String]
        /// Every container's image: init, regular and ephemeral containers.
        public var images: [String]
        /// The names in `spec.imagePullSecrets`, in order; nil when the field is absent or null,
        /// which decides the form of the patch (`add` of the whole array, or appends).
        public var imagePullSecrets: [String]?

        public init(namespace: String, annotations: [String: String] = [:], images: [String], imagePullSecrets: [String]? = nil) {
            self.namespace = namespace
            self.annotations = annotations
            self.images = images
            self.imagePullSecrets = imagePullSecrets
        }

        /// `regcred.dev/inject: "false"`.
        public var optedOut: Bool { annotations[ManagedObjectMarkers.injectAnnotation] == "false" }
    }

    /// One ClusterPullSecret as the controller resolved it.
    public struct Offer: Hashable, Sendable {
        public var clusterPullSecret: String
        public var secretName: String
        public var scope: NamespaceScope
        /// The docker config keys its secret carries: the profile's hosts, `spec.registries`, and
        /// the source's own (an ECR region's registry); matched as the kubelet matches keys.
        public var registries: [String]
        public var injection: ClusterPullSecretPolicy.PodInjection

        public init(
            clusterPullSecret: String, secretName: String, scope: NamespaceScope = NamespaceScope(), registries: [String],
            injection: ClusterPullSecretPolicy.PodInjection
        ) {
            self.clusterPullSecret = clusterPullSecret
            self.secretName = secretName
            self.scope = scope
            self.registries = registries
            self.injection = injection
        }

        /// `sourceRegistries`: the keys a token source mints for besides the policy's
        /// (CredentialSourceSpec.registryPatterns, which RegcredCore cannot compute).
        public init(policy: ClusterPullSecretPolicy, sourceRegistries: [String] = []) {
            var registries = policy.registries
            for key in sourceRegistries where !registries.contains(key) { registries.append(key) }
            self.init(
                clusterPullSecret: policy.name, secretName: policy.secretName, scope: policy.scope, registries: registries,
                injection: policy.podInjection)
        }
    }

    /// What became of one ClusterPullSecret for this pod.
    public enum Verdict: Hashable, Sendable, CustomStringConvertible {
        /// Its secret name is appended.
        case added
        /// The pod already names its secret (or an earlier ClusterPullSecret added the same name).
        case alreadyPresent
        /// `images: matching` and none of the pod's images is served by its registries.
        case noImageServed
        /// Its namespace selection leaves the pod's namespace out (or the namespace is terminating).
        case namespaceNotSelected(reason: String)
        /// The namespace is not known (yet), so whether it is selected cannot be decided.
        case namespaceUnknown
        /// `podInjection.enabled` is false; `wouldAdd` says whether it would have added its secret.
        case injectionOff(wouldAdd: Bool)
        /// The pod carries `regcred.dev/inject: "false"`.
        case podOptedOut

        public var description: String {
            switch self {
            case .added: "added"
            case .alreadyPresent: "the pod already names the secret"
            case .noImageServed: "none of the pod's images is served by its registries"
            case .namespaceNotSelected(let reason): "namespace not selected: \(reason)"
            case .namespaceUnknown: "the namespace is not known to the controller"
            case .injectionOff(let wouldAdd):
                "spec.podInjection.enabled is false\(wouldAdd ? " (it would have added the secret)" : "")"
            case .podOptedOut: "the pod has \(ManagedObjectMarkers.injectAnnotation): \"false\""
            }
        }
    }

    public struct Decision: Hashable, Sendable {
        /// The secret names appended, in the order of the patch.
        public var added: [String]
        /// One verdict per ClusterPullSecret, by name.
        public var verdicts: [String: Verdict]
        /// RFC 6902 operations; empty when nothing is added.
        public var patch: [JSONValue]

        /// The patch as the bytes an AdmissionResponse carries (before base64), nil when empty.
        public var patchJSON: Data? { patch.isEmpty ? nil : JSONValue.array(patch).encoded() }
    }

    /// - Parameters:
    ///   - namespace: the pod's namespace as the controller's cache shows it; nil when unknown.
    ///   - offers: every ClusterPullSecret, in any order (they are considered by name, so that
    ///     the patch does not depend on the order of a cache).
    public static func decide(
        pod: Pod, namespace: ObservedNamespace?, offers: [Offer], kubelet: KubeletVersion = .newest
    ) -> Decision {
        let ordered = offers.sorted { $0.clusterPullSecret < $1.clusterPullSecret }
        guard !pod.optedOut else {
            let verdicts = Dictionary(ordered.map { ($0.clusterPullSecret, Verdict.podOptedOut) }) { first, _ in first }
            return Decision(added: [], verdicts: verdicts, patch: [])
        }
        // The kubelet cannot pull an image it cannot parse, so such an image is served by nobody.
        let images = pod.images.compactMap { try? ImageReference(parsing: $0) }
        var present = Set(pod.imagePullSecrets ?? [])
        var added: [String] = []
        var verdicts: [String: Verdict] = [:]
        for offer in ordered where verdicts[offer.clusterPullSecret] == nil {
            let verdict = verdict(for: offer, images: images, namespace: namespace, present: present, kubelet: kubelet)
            verdicts[offer.clusterPullSecret] = verdict
            if verdict == .added {
                added.append(offer.secretName)
                present.insert(offer.secretName)
            }
        }
        return Decision(added: added, verdicts: verdicts, patch: patch(appending: added, to: pod.imagePullSecrets))
    }

    private static func verdict(
        for offer: Offer, images: [ImageReference], namespace: ObservedNamespace?, present: Set<String>, kubelet: KubeletVersion
    ) -> Verdict {
        guard let namespace else { return .namespaceUnknown }
        switch offer.scope.decide(namespace) {
        case .selected: break
        case .excluded(let reason): return .namespaceNotSelected(reason: reason)
        case .terminating: return .namespaceNotSelected(reason: "the namespace is terminating")
        }
        if offer.injection.images == .matching && !serves(offer.registries, anyOf: images, kubelet: kubelet) {
            return offer.injection.enabled ? .noImageServed : .injectionOff(wouldAdd: false)
        }
        if present.contains(offer.secretName) {
            return offer.injection.enabled ? .alreadyPresent : .injectionOff(wouldAdd: false)
        }
        return offer.injection.enabled ? .added : .injectionOff(wouldAdd: true)
    }

    /// Whether the kubelet would hand credentials under one of `registries` to the runtime for
    /// at least one image (KubeletMatcher: globs, paths, ports, the Docker Hub fallback).
    static func serves(_ registries: [String], anyOf images: [ImageReference], kubelet: KubeletVersion) -> Bool {
        let candidates = registries.map { KubeletMatcher.Candidate(key: $0, entry: ()) }
        return images.contains { !KubeletMatcher.lookup($0, in: candidates, kubelet: kubelet).matches.isEmpty }
    }

    /// Appends only: the whole array when the pod has none (absent or null), else one
    /// `add …/-` per name, so that entries another webhook or the user wrote stay as they are.
    static func patch(appending names: [String], to existing: [String]?) -> [JSONValue] {
        guard !names.isEmpty else { return [] }
        let entries = names.map { JSONValue.object(["name": .string($0)]) }
        guard existing != nil else {
            return [.object(["op": "add", "path": "/spec/imagePullSecrets", "value": .array(entries)])]
        }
        return entries.map { .object(["op": "add", "path": "/spec/imagePullSecrets/-", "value": $0]) }
    }
}
