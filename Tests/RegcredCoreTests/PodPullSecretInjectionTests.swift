import Foundation
import Testing

@testable import RegcredCore

@Suite("PodPullSecretInjection")
struct PodPullSecretInjectionTests {
    typealias Injection = PodPullSecretInjection

    static let apps = ObservedNamespace(name: "apps", labels: ["team": "a"])

    static func offer(
        _ name: String = "ghcr", secretName: String? = nil, registries: [String] = ["ghcr.io"], scope: NamespaceScope = NamespaceScope(),
        enabled: Bool = true, images: PodInjectionSpec.Images = .matching
    ) -> Injection.Offer {
        Injection.Offer(
            clusterPullSecret: name, secretName: secretName ?? "regcred-\(name)", scope: scope, registries: registries,
            injection: .init(enabled: enabled, images: images))
    }

    static func pod(
        images: [String] = ["ghcr.io/org/app:1"], pullSecrets: [String]? = nil, annotations: [String: String] = [:]
    ) -> Injection.Pod {
        Injection.Pod(namespace: "apps", annotations: annotations, images: images, imagePullSecrets: pullSecrets)
    }

    func decide(_ pod: Injection.Pod, namespace: ObservedNamespace? = apps, _ offers: [Injection.Offer]) -> Injection.Decision {
        Injection.decide(pod: pod, namespace: namespace, offers: offers)
    }

    func decide(namespace: ObservedNamespace? = apps, _ offers: [Injection.Offer]) -> Injection.Decision {
        decide(Self.pod(), namespace: namespace, offers)
    }

    static func add(_ path: String, _ value: JSONValue) -> JSONValue { .object(["op": "add", "path": .string(path), "value": value]) }
    static func ref(_ name: String) -> JSONValue { .object(["name": .string(name)]) }

    // MARK: the patch

    @Test("a pod without imagePullSecrets gets the whole array in one add")
    func absentFieldGetsWholeArray() {
        let decision = decide([Self.offer("ghcr"), Self.offer("team", registries: ["ghcr.io/org"])])
        #expect(decision.added == ["regcred-ghcr", "regcred-team"])
        #expect(decision.patch == [Self.add("/spec/imagePullSecrets", .array([Self.ref("regcred-ghcr"), Self.ref("regcred-team")]))])
    }

    @Test("a pod with its own pull secrets keeps them and gets ours appended, one add per name")
    func ownSecretsKeptAndOursAppended() {
        let decision = decide(Self.pod(pullSecrets: ["theirs", "other"]), [Self.offer("ghcr"), Self.offer("team", registries: ["ghcr.io/org"])])
        #expect(decision.added == ["regcred-ghcr", "regcred-team"])
        #expect(decision.patch == [
            Self.add("/spec/imagePullSecrets/-", Self.ref("regcred-ghcr")),
            Self.add("/spec/imagePullSecrets/-", Self.ref("regcred-team")),
        ])
    }

    @Test("an empty imagePullSecrets array is appended to, not replaced")
    func emptyArrayAppended() {
        #expect(decide(Self.pod(pullSecrets: []), [Self.offer()]).patch == [Self.add("/spec/imagePullSecrets/-", Self.ref("regcred-ghcr"))])
    }

    @Test("a name the pod already has is never added twice")
    func neverDuplicates() {
        let decision = decide(Self.pod(pullSecrets: ["regcred-ghcr"]), [Self.offer()])
        #expect(decision.added.isEmpty)
        #expect(decision.patch.isEmpty)
        #expect(decision.patchJSON == nil)
        #expect(decision.verdicts["ghcr"] == .alreadyPresent)
    }

    @Test("two ClusterPullSecrets with one secretName add it once")
    func sharedSecretNameAddedOnce() {
        let decision = decide([Self.offer("a", secretName: "pull"), Self.offer("b", secretName: "pull")])
        #expect(decision.added == ["pull"])
        #expect(decision.verdicts == ["a": .added, "b": .alreadyPresent])
    }

    @Test("the patch does not depend on the order the offers come in")
    func orderIndependent() {
        let offers = [Self.offer("zeta"), Self.offer("alpha"), Self.offer("mid")]
        let forward = decide(offers)
        #expect(forward.added == ["regcred-alpha", "regcred-mid", "regcred-zeta"])
        #expect(decide(Array(offers.reversed())) == forward)
    }

    @Test("the patch only ever adds under /spec/imagePullSecrets", arguments: [nil, [], ["theirs"]] as [[String]?])
    func onlyAdds(existing: [String]?) throws {
        let decision = decide(Self.pod(pullSecrets: existing), [Self.offer("a"), Self.offer("b", images: .all)])
        #expect(!decision.patch.isEmpty)
        for operation in decision.patch {
            #expect(operation["op"] == "add")
            #expect(operation["path"]?.stringValue?.hasPrefix("/spec/imagePullSecrets") == true)
        }
        let bytes = try #require(decision.patchJSON)
        #expect(try JSONValue(parsing: bytes) == .array(decision.patch))
    }

    // MARK: which pods

    @Test("regcred.dev/inject: \"false\" leaves the pod alone; any other value does not")
    func optOutAnnotation() {
        let optedOut = decide(Self.pod(annotations: [ManagedObjectMarkers.injectAnnotation: "false"]), [Self.offer()])
        #expect(optedOut.patch.isEmpty)
        #expect(optedOut.verdicts["ghcr"] == .podOptedOut)
        for value in ["true", "False", ""] {
            #expect(decide(Self.pod(annotations: [ManagedObjectMarkers.injectAnnotation: value]), [Self.offer()]).added == ["regcred-ghcr"])
        }
    }

    @Test("matching: a secret is added only when its registries serve one of the pod's images")
    func matchingNeedsAServedImage() {
        let decision = decide(Self.pod(images: ["quay.io/org/app:1", "docker.io/library/busybox"]), [Self.offer()])
        #expect(decision.patch.isEmpty)
        #expect(decision.verdicts["ghcr"] == .noImageServed)
        #expect(decide(Self.pod(images: ["quay.io/org/app", "ghcr.io/org/sidecar@sha256:" + String(repeating: "a", count: 64)]), [Self.offer()]).added == ["regcred-ghcr"])
    }

    @Test("all: every pod in a selected namespace gets the secret, whatever its images")
    func allIgnoresImages() {
        #expect(decide(Self.pod(images: ["quay.io/org/app"]), [Self.offer(images: .all)]).added == ["regcred-ghcr"])
        #expect(decide(Self.pod(images: []), [Self.offer(images: .all)]).added == ["regcred-ghcr"])
    }

    @Test(
        "matching follows the kubelet's rules",
        arguments: [
            // (key, image, served)
            ("*.azurecr.io", "team.azurecr.io/app", true),
            ("*.azurecr.io", "azurecr.io/app", false),
            ("*.azurecr.io", "a.b.azurecr.io/app", false),
            ("ghcr.io/org", "ghcr.io/org/app", true),
            ("ghcr.io/org", "ghcr.io/orgfoo/app", true),  // a string prefix, as URLsMatch has it
            ("ghcr.io/org", "ghcr.io/other/app", false),
            ("registry.local:5000", "registry.local:5000/app", true),
            ("registry.local:5000", "registry.local/app", false),
            ("https://index.docker.io/v1/", "nginx", true),  // the Docker Hub fallback
            ("docker.io", "library/nginx:1.27", true),
            ("ghcr.io", "GHCR.io/org/app", false),
        ])
    func kubeletMatching(key: String, image: String, served: Bool) {
        let decision = decide(Self.pod(images: [image]), [Self.offer(registries: [key])])
        #expect(decision.added == (served ? ["regcred-ghcr"] : []), "\(key) for \(image)")
    }

    @Test("an image the kubelet cannot parse is served by nobody; the pod's other images still count")
    func unparseableImageIgnored() {
        #expect(decide(Self.pod(images: ["ghcr.io/Org/App"]), [Self.offer()]).added.isEmpty)
        #expect(decide(Self.pod(images: ["not an image", "ghcr.io/org/app"]), [Self.offer()]).added == ["regcred-ghcr"])
    }

    // MARK: which namespaces

    @Test("a namespace the ClusterPullSecret does not select gets nothing, with the selection's reason")
    func namespaceSelection() {
        let bySelector = Self.offer("sel", scope: NamespaceScope(selector: LabelSelector(matchLabels: ["team": "b"])), images: .all)
        let byGlob = Self.offer("glob", scope: NamespaceScope(exclude: ["ap*"]), images: .all)
        let decision = decide([bySelector, byGlob])
        #expect(decision.patch.isEmpty)
        #expect(decision.verdicts["sel"] == .namespaceNotSelected(reason: "labels do not match spec.namespaces.selector"))
        #expect(decision.verdicts["glob"] == .namespaceNotSelected(reason: "spec.namespaces.exclude \"ap*\""))
        let selected = Self.offer("sel", scope: NamespaceScope(selector: LabelSelector(matchLabels: ["team": "a"])))
        #expect(decide([selected]).added == ["regcred-sel"])
    }

    @Test("the namespace opt-out annotation and a terminating namespace win over every ClusterPullSecret")
    func namespaceOptOutAndTerminating() {
        let optedOut = ObservedNamespace(name: "apps", annotations: [ManagedObjectMarkers.excludeAnnotation: "true"])
        #expect(decide(namespace: optedOut, [Self.offer(images: .all)]).patch.isEmpty)
        let terminating = ObservedNamespace(name: "apps", isTerminating: true)
        #expect(decide(namespace: terminating, [Self.offer(images: .all)]).verdicts["ghcr"] == .namespaceNotSelected(reason: "the namespace is terminating"))
    }

    @Test("an unknown namespace gets nothing: the decision fails open")
    func unknownNamespace() {
        let decision = decide(namespace: nil, [Self.offer(images: .all)])
        #expect(decision.patch.isEmpty)
        #expect(decision.verdicts["ghcr"] == .namespaceUnknown)
    }

    // MARK: podInjection off

    @Test("injection off adds nothing, and says whether it would have added the secret")
    func injectionOffSaysWhatItWouldDo() {
        let decision = decide(Self.pod(images: ["ghcr.io/org/app", "quay.io/x"]), [
            Self.offer("serves", enabled: false), Self.offer("quay-free", registries: ["gcr.io"], enabled: false),
        ])
        #expect(decision.patch.isEmpty)
        #expect(decision.verdicts == ["serves": .injectionOff(wouldAdd: true), "quay-free": .injectionOff(wouldAdd: false)])
        #expect(decide(Self.pod(pullSecrets: ["regcred-ghcr"]), [Self.offer(enabled: false)]).verdicts["ghcr"] == .injectionOff(wouldAdd: false))
    }

    // MARK: from a resolved ClusterPullSecret

    @Test("an offer carries the registries as the controller resolves them: profile, spec.registries, then the source's own")
    func offerFromPolicy() throws {
        let spec = ClusterPullSecretSpec(
            registries: ["quay.io", "ghcr.io"], profile: "ghcr",
            source: CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "tok"))),
            podInjection: PodInjectionSpec(enabled: true))
        let policy = try ClusterPullSecretPolicy.resolve(name: "ghcr", spec: spec, catalog: ProfileCatalog()).get()
        let offer = Injection.Offer(policy: policy, sourceRegistries: ["*.dkr.ecr.eu-west-1.amazonaws.com", "quay.io"])
        #expect(offer.registries == ["ghcr.io", "quay.io", "*.dkr.ecr.eu-west-1.amazonaws.com"])
        #expect(offer.secretName == "regcred-ghcr")
        #expect(offer.injection == .init(enabled: true, images: .matching))
        #expect(decide(Self.pod(images: ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/app"]), [offer]).added == ["regcred-ghcr"])
    }

    @Test("spec.podInjection defaults to off and matching")
    func policyDefaults() throws {
        let spec = ClusterPullSecretSpec(
            registries: ["ghcr.io"], source: CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "tok"))))
        let policy = try ClusterPullSecretPolicy.resolve(name: "ghcr", spec: spec, catalog: ProfileCatalog()).get()
        #expect(policy.podInjection == .init(enabled: false, images: .matching))
        var enabledOnly = spec
        enabledOnly.podInjection = PodInjectionSpec(enabled: true)
        #expect(try ClusterPullSecretPolicy.resolve(name: "ghcr", spec: enabledOnly, catalog: ProfileCatalog()).get().podInjection.images == .matching)
    }
}
