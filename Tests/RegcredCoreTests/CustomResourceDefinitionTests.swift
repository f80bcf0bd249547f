import Foundation
import Testing

@testable import RegcredCore

/// The CRD in deploy/crds and the Swift types must describe the same fields: a field the
/// schema lacks would be pruned by the API server, and one the types lack would be ignored.
@Suite("CRD and Swift types agree")
struct CustomResourceDefinitionTests {
    static let crdPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/crds/regcred.dev_clusterpullsecrets.yaml").path

    static func schema() throws -> JSONValue {
        let crd = try JSONValue(yaml: String(contentsOfFile: crdPath, encoding: .utf8))
        let version = try #require(crd["spec"]?["versions"]?.arrayValue?.first)
        return try #require(version["schema"]?["openAPIV3Schema"])
    }

    /// Every leaf path of a JSON document ("namespaces.selector.matchLabels").
    static func paths(of value: JSONValue, prefix: String = "") -> Set<String> {
        switch value {
        case .object(let members):
            return members.reduce(into: Set<String>()) { result, member in
                let path = prefix.isEmpty ? member.key : "\(prefix).\(member.key)"
                result.insert(path)
                result.formUnion(paths(of: member.value, prefix: path))
            }
        case .array(let items):
            return items.reduce(into: Set<String>()) { $0.formUnion(paths(of: $1, prefix: prefix)) }
        default:
            return []
        }
    }

    /// Every property path a schema declares; free-form maps (additionalProperties) end a path.
    static func paths(ofSchema schema: JSONValue, prefix: String = "") -> Set<String> {
        var result = Set<String>()
        if let items = schema["items"] { result.formUnion(paths(ofSchema: items, prefix: prefix)) }
        for (name, property) in schema["properties"]?.objectValue ?? [:] {
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            result.insert(path)
            if property["additionalProperties"] == nil { result.formUnion(paths(ofSchema: property, prefix: path)) }
        }
        return result
    }

    static func encoded<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONValue(parsing: JSONEncoder().encode(value))
    }

    @Test("every spec field of the Swift types is in the schema and the other way round")
    func specAgrees() throws {
        let spec = ClusterPullSecretSpec(
            registries: ["ghcr.io"], profile: "ghcr",
            // Every source at once: only the schema's shape is compared here, not validity.
            source: CredentialSourceSpec(
                static: StaticSourceSpec(secretRef: LocalSecretReference(name: "tok")),
                ecr: ECRSourceSpec(
                    regions: ["us-east-1"], registryIds: ["123456789012"], public: false, roleArn: "arn:aws:iam::1:role/r",
                    externalId: "x", credentialsSecretRef: LocalSecretReference(name: "aws"), endpoint: "http://e",
                    stsEndpoint: "http://s"),
                gcp: GCPSourceSpec(
                    serviceAccountKeySecretRef: SecretKeyReference(name: "k", key: "key.json"), workloadIdentity: WorkloadIdentitySpec(),
                    tokenEndpoint: "http://t", metadataHost: "m"),
                acr: ACRSourceSpec(
                    registry: "x.azurecr.io", tenantId: "t", clientId: "c", clientSecretRef: SecretKeyReference(name: "s", key: "k"),
                    workloadIdentity: WorkloadIdentitySpec(), managedIdentity: ManagedIdentitySpec(clientId: "c", endpoint: "http://i"),
                    authorityHost: "http://a", endpoint: "http://r"),
                githubApp: GitHubAppSourceSpec(
                    appId: "1", installationId: "2", privateKeySecretRef: SecretKeyReference(name: "p", key: "k"),
                    apiURL: "http://g", registry: "ghcr.io")),
            secretName: "pull",
            namespaces: NamespacesSpec(
                selector: LabelSelector(matchLabels: ["a": "b"], matchExpressions: [.init(key: "k", operator: .In, values: ["v"])]),
                exclude: ["kube-*"]),
            serviceAccounts: ["default"], podInjection: PodInjectionSpec(enabled: true, images: .all),
            refresh: RefreshSpec(before: "30m", interval: "1h"),
            verify: VerifySpec(enabled: true, image: "ghcr.io/o/a:1", policy: .block))
        let fromSwift = Self.paths(of: try Self.encoded(spec)).filter { !$0.hasPrefix("namespaces.selector.matchLabels.") }
        let fromSchema = Self.paths(ofSchema: try #require(try Self.schema()["properties"]?["spec"]))
        #expect(fromSwift == fromSchema)
    }

    @Test("every status field of the Swift types is in the schema and the other way round")
    func statusAgrees() throws {
        var status = ClusterPullSecretStatus(
            observedGeneration: 1, namespaces: NamespaceCounts(targeted: 2, synced: 1, failed: 1, failures: [.init(namespace: "a", reason: "r")]),
            lastSyncTime: "t", expiresAt: "t", lastRefreshTime: "t", lastVerifiedTime: "t", verifiedRegistries: ["ghcr.io"],
            secretNames: ["regcred-ghcr"])
        status.setCondition("Ready", status: .true, reason: "Synced", message: "m", generation: 1, now: Date(timeIntervalSince1970: 0))
        let fromSwift = Self.paths(of: try Self.encoded(status))
        let fromSchema = Self.paths(ofSchema: try #require(try Self.schema()["properties"]?["status"]))
        #expect(fromSwift == fromSchema)
    }

    @Test("the schema's enum of condition statuses matches the Swift enum")
    func conditionStatusEnum() throws {
        let schema = try Self.schema()
        let statusEnum = schema["properties"]?["status"]?["properties"]?["conditions"]?["items"]?["properties"]?["status"]?["enum"]
        #expect(statusEnum == .array(["True", "False", "Unknown"]))
        #expect([StatusCondition.Status.true, .false, .unknown].map(\.rawValue) == ["True", "False", "Unknown"])
    }

    @Test("spec.podInjection: the schema's enum and defaults are the Swift enum and the policy's defaults")
    func podInjectionEnumAndDefaults() throws {
        let podInjection = try #require(try Self.schema()["properties"]?["spec"]?["properties"]?["podInjection"])
        #expect(podInjection["properties"]?["images"]?["enum"] == .array(PodInjectionSpec.Images.allCases.map { .string($0.rawValue) }))
        #expect(podInjection["properties"]?["images"]?["default"] == .string(ClusterPullSecretPolicy.PodInjection().images.rawValue))
        #expect(podInjection["properties"]?["enabled"]?["default"] == .bool(ClusterPullSecretPolicy.PodInjection().enabled))
    }
}
