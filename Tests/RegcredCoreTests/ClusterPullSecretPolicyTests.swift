import Foundation
import Testing

@testable import RegcredCore

@Suite("ClusterPullSecret spec validation")
struct ClusterPullSecretPolicyTests {
    static let source = CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "ghcr-token")))

    func resolve(_ spec: ClusterPullSecretSpec) -> Result<ClusterPullSecretPolicy, InvalidSpec> {
        ClusterPullSecretPolicy.resolve(name: "ghcr", spec: spec, catalog: ProfileCatalog())
    }

    @Test("a minimal spec gets the documented defaults")
    func defaults() throws {
        let policy = try resolve(ClusterPullSecretSpec(registries: ["ghcr.io"], source: Self.source)).get()
        #expect(policy.secretName == "regcred-ghcr")
        #expect(policy.registries == ["ghcr.io"])
        #expect(policy.serviceAccounts == .default)
        #expect(policy.scope == NamespaceScope())
        #expect(policy.refreshBefore == nil)
    }

    @Test("a profile's hosts come first, extra registries are added once")
    func profileAndRegistries() throws {
        let policy = try resolve(ClusterPullSecretSpec(registries: ["de.icr.io", "x.example.com"], profile: "ibm-de", source: Self.source)).get()
        #expect(policy.registries == ["de.icr.io", "private.de.icr.io", "registry.eu-de.bluemix.net", "x.example.com"])
    }

    @Test("every problem is reported with its field path", arguments: [
        (ClusterPullSecretSpec(source: source), "spec: set spec.registries (a list of hosts) or spec.profile"),
        (ClusterPullSecretSpec(profile: "ibm-mars", source: source), "spec.profile: unknown registry profile \"ibm-mars\""),
        (ClusterPullSecretSpec(registries: ["ghcr.io"], source: CredentialSourceSpec()), "spec.source: set exactly one source"),
        (ClusterPullSecretSpec(registries: ["ghcr.io"], source: source, secretName: "Bad_Name"), "spec.secretName: \"Bad_Name\" must consist of lower case"),
        (ClusterPullSecretSpec(registries: ["ghcr.io"], source: source, namespaces: NamespacesSpec(exclude: ["kube-["])), "spec.namespaces.exclude: \"kube-[\" is not a valid name or glob"),
        (ClusterPullSecretSpec(registries: ["ghcr.io"], source: source, namespaces: NamespacesSpec(selector: LabelSelector(matchExpressions: [.init(key: "a", operator: .In)]))), "spec.namespaces.selector.matchExpressions[a]: operator In needs at least one value"),
        (ClusterPullSecretSpec(registries: ["ghcr.io"], source: source, refresh: RefreshSpec(before: "soon")), "spec.refresh.before: \"soon\" is not a duration"),
        (ClusterPullSecretSpec(registries: ["ghcr.io"], source: source, serviceAccounts: ["Builder"]), "spec.serviceAccounts: \"Builder\""),
    ])
    func problems(spec: ClusterPullSecretSpec, expected: String) {
        guard case .failure(let invalid) = resolve(spec) else {
            Issue.record("expected \(expected)")
            return
        }
        #expect(invalid.problems.contains { $0.hasPrefix(expected) }, "\(invalid.problems)")
        #expect(invalid.description.hasPrefix("ClusterPullSecret ghcr is invalid: "))
    }

    @Test("service account lists: default, all, none, names", arguments: [
        (nil as [String]?, ServiceAccountSelection.named(["default"])),
        (["*"], .all),
        ([], .named([])),
        (["a", "b"], .named(["a", "b"])),
    ])
    func serviceAccounts(names: [String]?, expected: ServiceAccountSelection) throws {
        #expect(try resolve(ClusterPullSecretSpec(registries: ["ghcr.io"], source: Self.source, serviceAccounts: names)).get().serviceAccounts == expected)
    }

    @Test("the spec decodes from the JSON the API server returns")
    func decodesFromJSON() throws {
        let json = #"{"registries":["ghcr.io"],"source":{"static":{"secretRef":{"name":"tok"}}},"namespaces":{"selector":{"matchLabels":{"team":"a"}},"exclude":["kube-*"]},"serviceAccounts":["*"],"refresh":{"before":"30m"}}"#
        let spec = try JSONDecoder().decode(ClusterPullSecretSpec.self, from: Data(json.utf8))
        let policy = try resolve(spec).get()
        #expect(policy.scope.exclude == ["kube-*"])
        #expect(policy.scope.selector?.matchLabels == ["team": "a"])
        #expect(policy.refreshBefore == .seconds(1800))
        #expect(policy.serviceAccounts == .all)
    }
}

@Suite("Go durations")
struct GoDurationTests {
    @Test("Go's syntax parses", arguments: [
        ("30m", Duration.seconds(1800)), ("1h30m", .seconds(5400)), ("1.5h", .seconds(5400)), ("500ms", .milliseconds(500)),
        ("0", .zero), ("2h45m10s", .seconds(9910)), ("10us", .microseconds(10)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(GoDuration.parse(text) == expected)
    }

    @Test("anything else is rejected", arguments: ["", "30", "m", "-5m", "1d", "1.h2", "h1", "1hh"])
    func rejects(text: String) {
        #expect(GoDuration.parse(text) == nil)
    }
}

@Suite("Status conditions")
struct StatusConditionTests {
    @Test("lastTransitionTime moves only when the status changes")
    func transitionTime() throws {
        var status = ClusterPullSecretStatus()
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        status.setCondition("Ready", status: .false, reason: "Syncing", message: "a", generation: 1, now: t0)
        status.setCondition("Ready", status: .false, reason: "Syncing", message: "b", generation: 2, now: t0.addingTimeInterval(60))
        #expect(status.condition("Ready")?.lastTransitionTime == RFC3339.format(t0))
        #expect(status.condition("Ready")?.message == "b")
        #expect(status.condition("Ready")?.observedGeneration == 2)
        status.setCondition("Ready", status: .true, reason: "Synced", message: "c", generation: 2, now: t0.addingTimeInterval(120))
        #expect(status.condition("Ready")?.lastTransitionTime == RFC3339.format(t0.addingTimeInterval(120)))
        #expect(status.conditions?.count == 1)
    }

    @Test("RFC 3339 timestamps round-trip, with or without fractional seconds")
    func rfc3339() {
        let date = Date(timeIntervalSince1970: 1_767_225_600)
        #expect(RFC3339.format(date) == "2026-01-01T00:00:00Z")
        #expect(RFC3339.parse("2026-01-01T00:00:00Z") == date)
        #expect(RFC3339.parse("2026-01-01T00:00:00.000Z") == date)
    }
}

@Suite("Token source spec validation")
struct TokenSourceSpecValidationTests {
    func problems(_ source: CredentialSourceSpec, registries: [String]? = nil, verify: VerifySpec? = nil) -> [String] {
        let spec = ClusterPullSecretSpec(registries: registries, source: source, verify: verify)
        switch ClusterPullSecretPolicy.resolve(name: "x", spec: spec, catalog: ProfileCatalog()) {
        case .success: return []
        case .failure(let invalid): return invalid.problems
        }
    }

    @Test("sources that name their hosts need no registries; static and gcp do")
    func ownRegistries() {
        #expect(problems(CredentialSourceSpec(ecr: ECRSourceSpec(regions: ["us-east-1"]))) == [])
        #expect(problems(CredentialSourceSpec(acr: ACRSourceSpec(registry: "x.azurecr.io", managedIdentity: ManagedIdentitySpec()))) == [])
        #expect(problems(CredentialSourceSpec(githubApp: GitHubAppSourceSpec(appId: "1", installationId: "2", privateKeySecretRef: SecretKeyReference(name: "k"))))
            == [])
        #expect(problems(CredentialSourceSpec(gcp: GCPSourceSpec(workloadIdentity: WorkloadIdentitySpec())))
            == ["spec: set spec.registries (a list of hosts) or spec.profile"])
        #expect(problems(CredentialSourceSpec(gcp: GCPSourceSpec(workloadIdentity: WorkloadIdentitySpec())), registries: ["europe-docker.pkg.dev"]) == [])
    }

    @Test("each token source reports what is wrong, by field", arguments: [
        (CredentialSourceSpec(ecr: ECRSourceSpec()), "spec.source.ecr.regions: name at least one region"),
        (CredentialSourceSpec(ecr: ECRSourceSpec(regions: ["useast1"])), "spec.source.ecr.regions: \"useast1\" is not an AWS region name"),
        (CredentialSourceSpec(ecr: ECRSourceSpec(regions: ["us-east-1"], registryIds: ["12345"])), "spec.source.ecr.registryIds: \"12345\" is not a 12-digit"),
        (CredentialSourceSpec(ecr: ECRSourceSpec(regions: ["us-east-1"], externalId: "x")), "spec.source.ecr.externalId: only used with roleArn"),
        (CredentialSourceSpec(ecr: ECRSourceSpec(regions: ["us-east-1"], endpoint: "localhost:5000")), "spec.source.ecr.endpoint: \"localhost:5000\" is not an http(s) URL"),
        (CredentialSourceSpec(gcp: GCPSourceSpec()), "spec.source.gcp: set exactly one of serviceAccountKeySecretRef and workloadIdentity"),
        (CredentialSourceSpec(acr: ACRSourceSpec(registry: "x.azurecr.io")), "spec.source.acr: set exactly one of clientSecretRef"),
        (CredentialSourceSpec(acr: ACRSourceSpec(registry: "x.azurecr.io", clientSecretRef: SecretKeyReference(name: "s"))), "clientSecretRef needs tenantId and clientId"),
        (CredentialSourceSpec(githubApp: GitHubAppSourceSpec(appId: "my-app", installationId: "2", privateKeySecretRef: SecretKeyReference(name: "k"))), "spec.source.githubApp.appId: \"my-app\" is not a numeric app id"),
        (CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "a"))), ""),
        (CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "a")), ecr: ECRSourceSpec(regions: ["us-east-1"])), "spec.source: set exactly one source, found static, ecr"),
    ])
    func fieldProblems(source: CredentialSourceSpec, expected: String) {
        let found = problems(source, registries: ["ghcr.io"])
        if expected.isEmpty {
            #expect(found == [])
        } else {
            #expect(found.contains { $0.contains(expected) }, "\(found)")
        }
    }

    @Test("verify: a bad image is reported; the policy defaults to block")
    func verify() throws {
        let source = CredentialSourceSpec(static: StaticSourceSpec(secretRef: LocalSecretReference(name: "a")))
        #expect(problems(source, registries: ["ghcr.io"], verify: VerifySpec(enabled: true, image: "ghcr.io/UPPER/app"))
            .contains { $0.hasPrefix("spec.verify.image:") })
        let policy = try ClusterPullSecretPolicy.resolve(
            name: "x", spec: ClusterPullSecretSpec(registries: ["ghcr.io"], source: source, verify: VerifySpec(enabled: true)),
            catalog: ProfileCatalog()).get()
        #expect(policy.verification?.policy == .block)
    }
}
