import Foundation
import Testing

@testable import RegcredCore

@Suite("PullSecretPlanner")
struct PullSecretPlannerTests {
    static let content = Data(#"{"auths":{"ghcr.io":{"auth":"dTpw","password":"p","username":"u"}}}"#.utf8)
    static let desired = DesiredPullSecret(owner: "ghcr", secretName: "regcred-ghcr", content: content)

    static func ownedSecret(content: Data = content, owner: String = "ghcr", type: String = "kubernetes.io/dockerconfigjson") -> ObservedSecret {
        ObservedSecret(
            name: "regcred-ghcr", type: type, labels: ManagedObjectMarkers.labels(owner: owner),
            annotations: [ManagedObjectMarkers.contentHashAnnotation: ContentDigest(of: content).hex],
            dockerConfigJSON: content, resourceVersion: "7")
    }

    func plan(
        _ desired: DesiredPullSecret = desired, namespace: ObservedNamespace = ObservedNamespace(name: "apps"),
        secret: ObservedSecret? = nil, serviceAccounts: [ObservedServiceAccount] = [], retired: [ObservedSecret] = []
    ) -> NamespacePlan {
        PullSecretPlanner.plan(desired, namespace: namespace, secret: secret, serviceAccounts: serviceAccounts, retired: retired)
    }

    static func retiredSecret(_ name: String, owner: String = "ghcr") -> ObservedSecret {
        ObservedSecret(name: name, labels: ManagedObjectMarkers.labels(owner: owner), dockerConfigJSON: content, resourceVersion: "3")
    }

    @Test("after a rename, the secret under the old name and the entries regcred added for it are removed, entries first")
    func renameRemovesOldName() {
        let account = ObservedServiceAccount(
            name: "default", imagePullSecrets: ["team", "regcred-old"],
            annotations: [ManagedObjectMarkers.attachedAnnotation: "regcred-old"])
        let theirs = ObservedServiceAccount(name: "builder", imagePullSecrets: ["regcred-old"])
        #expect(plan(secret: nil, serviceAccounts: [account, theirs], retired: [Self.retiredSecret("regcred-old")]).actions == [
            .detach(namespace: "apps", serviceAccount: "default", secret: "regcred-old"),
            .deleteSecret(namespace: "apps", name: "regcred-old", resourceVersion: "3"),
            .createSecret(namespace: "apps", name: "regcred-ghcr"),
            .attach(namespace: "apps", serviceAccount: "default", secret: "regcred-ghcr"),
        ])
    }

    @Test("an old-named secret of another owner is never touched, in any decision", arguments: [false, true])
    func retiredOfOtherOwnerUntouched(excluded: Bool) {
        var desired = Self.desired
        if excluded { desired.scope = NamespaceScope(exclude: ["apps"]) }
        let result = plan(desired, secret: Self.ownedSecret(), retired: [Self.retiredSecret("regcred-other", owner: "other")])
        #expect(!result.actions.contains { if case .deleteSecret(_, "regcred-other", _) = $0 { return true }; return false })
    }

    @Test("deleting the ClusterPullSecret removes what it wrote under every name")
    func deletionRemovesEveryName() {
        var desired = Self.desired
        desired.isBeingDeleted = true
        let account = ObservedServiceAccount(
            name: "default", imagePullSecrets: ["regcred-ghcr", "regcred-old"],
            annotations: [ManagedObjectMarkers.attachedAnnotation: "regcred-ghcr,regcred-old"])
        #expect(plan(desired, secret: Self.ownedSecret(), serviceAccounts: [account], retired: [Self.retiredSecret("regcred-old")]).actions == [
            .detach(namespace: "apps", serviceAccount: "default", secret: "regcred-old"),
            .deleteSecret(namespace: "apps", name: "regcred-old", resourceVersion: "3"),
            .detach(namespace: "apps", serviceAccount: "default", secret: "regcred-ghcr"),
            .deleteSecret(namespace: "apps", name: "regcred-ghcr", resourceVersion: "7"),
        ])
    }

    @Test("a ClusterPullSecret that lost a shared secretName never detaches the winner's entry when it leaves")
    func loserNeverDetachesWinnersEntry() {
        var desired = Self.desired
        desired.owner = "loser"
        desired.isBeingDeleted = true
        let account = ObservedServiceAccount(
            name: "default", imagePullSecrets: ["regcred-ghcr"],
            annotations: [ManagedObjectMarkers.attachedAnnotation: "regcred-ghcr"])
        #expect(plan(desired, secret: Self.ownedSecret(owner: "winner"), serviceAccounts: [account]).actions.isEmpty)
    }

    @Test("an immutable managed secret is recreated for new content, and left alone when current")
    func immutableIsRecreated() {
        var immutable = Self.ownedSecret()
        immutable.isImmutable = true
        #expect(plan(secret: immutable).actions.isEmpty)
        immutable.dockerConfigDigest = ContentDigest(of: Data("{}".utf8))
        #expect(plan(secret: immutable).actions == [.recreateSecret(namespace: "apps", name: "regcred-ghcr", resourceVersion: "7")])
    }

    @Test("a selected namespace without the secret gets it created, then the default service account attached")
    func createsAndAttaches() {
        let result = plan(serviceAccounts: [ObservedServiceAccount(name: "default"), ObservedServiceAccount(name: "builder")])
        #expect(result.decision == .selected)
        #expect(result.actions == [
            .createSecret(namespace: "apps", name: "regcred-ghcr"),
            .attach(namespace: "apps", serviceAccount: "default", secret: "regcred-ghcr"),
        ])
    }

    @Test("a converged namespace needs nothing")
    func convergedIsIdle() {
        let account = ObservedServiceAccount(name: "default", imagePullSecrets: ["other", "regcred-ghcr"])
        #expect(plan(secret: Self.ownedSecret(), serviceAccounts: [account]).actions.isEmpty)
    }

    @Test("drift in data, labels or hash annotation is repaired by an update")
    func repairsDrift() {
        var edited = Self.ownedSecret()
        edited.dockerConfigDigest = ContentDigest(of: Data("{}".utf8))
        var relabelled = Self.ownedSecret()
        relabelled.annotations = [:]
        for secret in [edited, relabelled] {
            #expect(plan(secret: secret).actions == [.updateSecret(namespace: "apps", name: "regcred-ghcr", resourceVersion: "7")])
        }
    }

    @Test("an owned secret of the wrong type is recreated, since type is immutable")
    func recreatesWrongType() {
        #expect(plan(secret: Self.ownedSecret(type: "Opaque")).actions == [
            .recreateSecret(namespace: "apps", name: "regcred-ghcr", resourceVersion: "7")
        ])
    }

    @Test("a same-named secret regcred does not own is never touched and is reported")
    func foreignSecretConflict() {
        let foreign = ObservedSecret(name: "regcred-ghcr", labels: [:], dockerConfigJSON: Data("{}".utf8), resourceVersion: "3")
        let result = plan(secret: foreign, serviceAccounts: [ObservedServiceAccount(name: "default")])
        #expect(result.actions.isEmpty)
        #expect(result.conflict?.contains("is not managed by regcred") == true)
        let otherOwner = plan(secret: Self.ownedSecret(owner: "quay"))
        #expect(otherOwner.actions.isEmpty)
        #expect(otherOwner.conflict?.contains("belongs to ClusterPullSecret quay") == true)
    }

    @Test("with no credential yet, nothing is created and an existing secret is left as it is")
    func noCredentialWritesNothing() {
        var waiting = Self.desired
        waiting.content = nil
        #expect(plan(waiting, serviceAccounts: [ObservedServiceAccount(name: "default")]).actions.isEmpty)
        var stale = Self.ownedSecret()
        stale.dockerConfigDigest = ContentDigest(of: Data("old".utf8))
        #expect(plan(waiting, secret: stale).actions.isEmpty)
    }

    @Test("service account modes: all, named, none", arguments: [
        (ServiceAccountSelection.all, ["builder", "default", "deployer"]),
        (.named(["deployer"]), ["deployer"]),
        (.none, []),
    ])
    func serviceAccountModes(selection: ServiceAccountSelection, attached: [String]) {
        var desired = Self.desired
        desired.serviceAccounts = selection
        let accounts = ["default", "builder", "deployer"].map { ObservedServiceAccount(name: $0) }
        let result = plan(desired, secret: Self.ownedSecret(), serviceAccounts: accounts)
        #expect(result.actions == attached.map { .attach(namespace: "apps", serviceAccount: $0, secret: "regcred-ghcr") })
    }

    @Test("a service account leaving the selection loses only the entry regcred added")
    func detachesOnlyOwnEntries() {
        var desired = Self.desired
        desired.serviceAccounts = .none
        let ours = ObservedServiceAccount(
            name: "default", imagePullSecrets: ["regcred-ghcr"],
            annotations: [ManagedObjectMarkers.attachedAnnotation: "regcred-ghcr"])
        let theirs = ObservedServiceAccount(name: "builder", imagePullSecrets: ["regcred-ghcr"])
        #expect(plan(desired, secret: Self.ownedSecret(), serviceAccounts: [ours, theirs]).actions == [
            .detach(namespace: "apps", serviceAccount: "default", secret: "regcred-ghcr")
        ])
    }

    @Test("excluded namespaces: annotation, name, glob and selector", arguments: [
        (ObservedNamespace(name: "apps", annotations: ["regcred.dev/exclude": "true"]), "annotation regcred.dev/exclude=true"),
        (ObservedNamespace(name: "kube-system"), "spec.namespaces.exclude \"kube-*\""),
        (ObservedNamespace(name: "legacy"), "spec.namespaces.exclude \"legacy\""),
        (ObservedNamespace(name: "apps", labels: ["team": "b"]), "labels do not match spec.namespaces.selector"),
    ])
    func exclusions(namespace: ObservedNamespace, reason: String) {
        var desired = Self.desired
        desired.scope = NamespaceScope(selector: LabelSelector(matchLabels: ["team": "a"]), exclude: ["kube-*", "legacy"])
        var labelled = namespace
        if labelled.labels.isEmpty { labelled.labels = ["team": "a"] }
        #expect(plan(desired, namespace: labelled).decision == .excluded(reason: reason))
    }

    @Test("when a namespace leaves the scope, regcred detaches its own entries then deletes its secret")
    func scopeShrinkCleansUp() {
        var desired = Self.desired
        desired.scope = NamespaceScope(exclude: ["apps"])
        let ours = ObservedServiceAccount(
            name: "default", imagePullSecrets: ["keep", "regcred-ghcr"],
            annotations: [ManagedObjectMarkers.attachedAnnotation: "regcred-ghcr"])
        #expect(plan(desired, secret: Self.ownedSecret(), serviceAccounts: [ours]).actions == [
            .detach(namespace: "apps", serviceAccount: "default", secret: "regcred-ghcr"),
            .deleteSecret(namespace: "apps", name: "regcred-ghcr", resourceVersion: "7"),
        ])
    }

    @Test("deleting the ClusterPullSecret cleans up, but never a secret it does not own")
    func deletionCleansUpOwnOnly() {
        var desired = Self.desired
        desired.isBeingDeleted = true
        #expect(plan(desired, secret: Self.ownedSecret()).actions == [
            .deleteSecret(namespace: "apps", name: "regcred-ghcr", resourceVersion: "7")
        ])
        #expect(plan(desired, secret: ObservedSecret(name: "regcred-ghcr", resourceVersion: "1")).actions.isEmpty)
    }

    @Test("terminating namespaces are skipped")
    func terminatingSkipped() {
        let result = plan(namespace: ObservedNamespace(name: "apps", isTerminating: true), serviceAccounts: [ObservedServiceAccount(name: "default")])
        #expect(result.decision == .terminating)
        #expect(result.actions.isEmpty)
    }
}

@Suite("imagePullSecrets edits")
struct ImagePullSecretEditTests {
    @Test("attach appends once, keeps order, and records the entry as regcred's")
    func attach() {
        let edit = ImagePullSecretEdit.attach("ours", to: ["a", "b"], attached: nil)
        #expect(edit == ImagePullSecretEdit(names: ["a", "b", "ours"], attachedAnnotation: "ours"))
        #expect(ImagePullSecretEdit.attach("ours", to: ["ours"], attached: nil) == nil)
        #expect(ImagePullSecretEdit.attach("ours", to: [], attached: "ours")?.attachedAnnotation == "ours")
    }

    @Test("an entry a person added is not recorded, so it is never removed")
    func personAddedEntry() {
        #expect(ImagePullSecretEdit.attach("x", to: ["x"], attached: nil) == nil)
        #expect(ImagePullSecretEdit.detach("x", from: ["x"], attached: nil) == nil)
    }

    @Test("detach removes only the named entry regcred added; the rest keep their order")
    func detach() {
        let edit = ImagePullSecretEdit.detach("ours", from: ["a", "ours", "b"], attached: "other,ours")
        #expect(edit == ImagePullSecretEdit(names: ["a", "b"], attachedAnnotation: "other"))
        #expect(ImagePullSecretEdit.detach("ours", from: ["ours"], attached: "ours")?.attachedAnnotation == nil)
    }
}

@Suite("Label selectors")
struct LabelSelectorTests {
    @Test("matchLabels and every operator", arguments: [
        (LabelSelector(matchLabels: ["a": "1"]), ["a": "1", "b": "2"], true),
        (LabelSelector(matchLabels: ["a": "1"]), ["a": "2"], false),
        (LabelSelector(matchExpressions: [.init(key: "a", operator: .In, values: ["1", "2"])]), ["a": "2"], true),
        (LabelSelector(matchExpressions: [.init(key: "a", operator: .In, values: ["1"])]), [:], false),
        (LabelSelector(matchExpressions: [.init(key: "a", operator: .NotIn, values: ["1"])]), [:], true),
        (LabelSelector(matchExpressions: [.init(key: "a", operator: .NotIn, values: ["1"])]), ["a": "1"], false),
        (LabelSelector(matchExpressions: [.init(key: "a", operator: .Exists)]), ["a": ""], true),
        (LabelSelector(matchExpressions: [.init(key: "a", operator: .DoesNotExist)]), ["a": ""], false),
        (LabelSelector(), ["x": "y"], true),
    ])
    func evaluates(selector: LabelSelector, labels: [String: String], expected: Bool) {
        #expect(selector.matches(labels) == expected)
    }

    @Test("operators with the wrong number of values are invalid")
    func problems() {
        #expect(LabelSelector(matchExpressions: [.init(key: "a", operator: .In, values: [])]).problems.count == 1)
        #expect(LabelSelector(matchExpressions: [.init(key: "a", operator: .Exists, values: ["x"])]).problems.count == 1)
        #expect(LabelSelector(matchExpressions: [.init(key: "a", operator: .Exists)]).problems.isEmpty)
    }
}
