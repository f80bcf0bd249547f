// The rules of `doctor`, one per test: the pod's pull secret list, what the kubelet does with
// each secret, which entries match each image, near misses, expiry, verification, and the fixes.
import Foundation
import Testing

@testable import RegcredCore

@Suite("Diagnosing image pulls (doctor)")
struct PullDiagnoserTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let password = "s3cret-pa55word"

    static func config(_ entries: [String: (user: String, password: String)]) -> Data {
        var auths: [String: DockerConfigEntry] = [:]
        for (key, credential) in entries { auths[key] = .basic(username: credential.user, password: credential.password) }
        return DockerConfig(entries: auths).encoded()
    }

    static func pullSecret(_ entries: [String: (user: String, password: String)]) -> ObservedPullSecret {
        ObservedPullSecret(type: "kubernetes.io/dockerconfigjson", data: [".dockerconfigjson": config(entries)])
    }

    static func rawPullSecret(_ json: String, type: String = "kubernetes.io/dockerconfigjson", key: String = ".dockerconfigjson") -> ObservedPullSecret {
        ObservedPullSecret(type: type, data: [key: Data(json.utf8)])
    }

    static func jwt(expiresAt: Date) -> String {
        func base64URL(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        return [base64URL(#"{"alg":"RS256"}"#), base64URL(#"{"exp":\#(Int(expiresAt.timeIntervalSince1970))}"#), "c2lnbmF0dXJl"].joined(separator: ".")
    }

    static func pod(
        images: [String], pullSecrets: [String], secrets: [String: ObservedPullSecret],
        serviceAccountList: [String]? = [], owner: PullDiagnosisInput.PodOwner? = nil, others: [String: ObservedPullSecret] = [:],
        pullFailure: String? = nil
    ) -> PullDiagnosis {
        PullDiagnoser.diagnose(PullDiagnosisInput(
            subject: .pod(name: "web"), namespace: "shop",
            containers: images.enumerated().map {
                PullDiagnosisInput.ContainerImage(name: "c\($0.offset)", kind: .container, image: $0.element, pullFailure: pullFailure)
            },
            podPullSecrets: pullSecrets, serviceAccount: .init(name: "app", imagePullSecrets: serviceAccountList),
            secrets: secrets, otherPullSecrets: others, owner: owner, now: now))
    }

    static func codes(_ diagnosis: PullDiagnosis) -> Set<String> {
        Set((diagnosis.findings + diagnosis.images.flatMap(\.findings)).map(\.code))
    }

    static func problemCodes(_ diagnosis: PullDiagnosis) -> Set<String> {
        Set((diagnosis.findings + diagnosis.images.flatMap(\.findings)).filter { $0.severity == .problem }.map(\.code))
    }

    // MARK: healthy

    @Test("a matching, unexpired entry makes the image OK and the pod healthy")
    func healthy() {
        let diagnosis = Self.pod(
            images: ["ghcr.io/org/app:1.0"], pullSecrets: ["ghcr"],
            secrets: ["ghcr": Self.pullSecret(["ghcr.io": ("bot", Self.password)])])
        #expect(diagnosis.isHealthy)
        #expect(diagnosis.images[0].status == .ok)
        #expect(diagnosis.images[0].credentials.map(\.registryKey) == ["ghcr.io"])
        #expect(diagnosis.images[0].credentials[0].username == "bot")
        #expect(diagnosis.fixes.isEmpty)
    }

    @Test("init, regular and ephemeral containers are all diagnosed, and labelled by kind")
    func containerKinds() {
        let diagnosis = PullDiagnoser.diagnose(PullDiagnosisInput(
            subject: .pod(name: "web"), namespace: "shop",
            containers: [
                .init(name: "migrate", kind: .initContainer, image: "quay.io/org/migrate:1"),
                .init(name: "app", kind: .container, image: "ghcr.io/org/app:1"),
                .init(name: "debugger", kind: .ephemeral, image: "quay.io/org/debug:1"),
            ],
            podPullSecrets: ["ghcr"], serviceAccount: nil,
            secrets: ["ghcr": Self.pullSecret(["ghcr.io": ("bot", Self.password)])], now: Self.now))
        #expect(diagnosis.images.map(\.label) == ["init:migrate", "app", "ephemeral:debugger"])
        #expect(diagnosis.images.map(\.status) == [.anonymous, .ok, .anonymous])
        #expect(diagnosis.isHealthy, "public-looking images with no hint of intended credentials are not problems")
    }

    // MARK: the pod's list

    @Test("a pod created before its service account was patched: the SA's list was never copied")
    func serviceAccountPatchedAfterPodCreation() {
        let diagnosis = Self.pod(
            images: ["ghcr.io/org/app:1"], pullSecrets: [], secrets: ["ghcr": Self.pullSecret(["ghcr.io": ("bot", Self.password)])],
            serviceAccountList: ["ghcr"], owner: .init(kind: "ReplicaSet", name: "web-7d9f8c", podTemplateHash: "7d9f8c"))
        #expect(!diagnosis.isHealthy)
        let finding = diagnosis.findings.first { $0.code == "service-account-list-not-copied" }
        #expect(finding?.severity == .problem)
        #expect(finding?.message.contains("copied into a pod only when the pod is created, and only when the pod sets none") == true)
        #expect(diagnosis.fixes == ["kubectl rollout restart deployment/web -n shop"])
    }

    @Test("recreating a pod: rollout restart for its controller, delete for a bare pod", arguments: [
        (PullDiagnosisInput.PodOwner?.none, "kubectl delete pod web -n shop"),
        (.init(kind: "StatefulSet", name: "db"), "kubectl rollout restart statefulset/db -n shop"),
        (.init(kind: "DaemonSet", name: "agent"), "kubectl rollout restart daemonset/agent -n shop"),
        (.init(kind: "ReplicaSet", name: "lonely"), "kubectl delete pod web -n shop"),
    ])
    func recreateCommand(owner: PullDiagnosisInput.PodOwner?, command: String) {
        let diagnosis = Self.pod(
            images: ["ghcr.io/org/app:1"], pullSecrets: [], secrets: ["ghcr": Self.pullSecret(["ghcr.io": ("bot", Self.password)])],
            serviceAccountList: ["ghcr"], owner: owner)
        #expect(diagnosis.fixes == [command])
    }

    @Test("a new pod (--image --service-account) gets the service account's list")
    func prospectivePod() {
        let input = PullDiagnosisInput(
            subject: .prospectivePod, namespace: "shop", containers: [.init(name: "image-1", kind: .container, image: "ghcr.io/org/app:1")],
            podPullSecrets: [], serviceAccount: .init(name: "app", imagePullSecrets: ["ghcr"]),
            secrets: ["ghcr": Self.pullSecret(["ghcr.io": ("bot", Self.password)])], now: Self.now)
        let diagnosis = PullDiagnoser.diagnose(input)
        #expect(diagnosis.pullSecretSource == "service-account")
        #expect(diagnosis.isHealthy)
    }

    @Test("a new pod naming a service account that does not exist would be refused")
    func prospectivePodMissingServiceAccount() {
        let diagnosis = PullDiagnoser.diagnose(PullDiagnosisInput(
            subject: .prospectivePod, namespace: "shop", containers: [.init(name: "image-1", kind: .container, image: "nginx")],
            podPullSecrets: [], serviceAccount: .init(name: "ghost", imagePullSecrets: nil), secrets: [:], now: Self.now))
        #expect(!diagnosis.isHealthy)
        #expect(diagnosis.fixes == ["kubectl create serviceaccount ghost -n shop"])
    }

    @Test("a pod that sets its own list gets nothing from its service account: noted")
    func podListWins() {
        let diagnosis = Self.pod(
            images: ["ghcr.io/org/app:1"], pullSecrets: ["ghcr"], secrets: ["ghcr": Self.pullSecret(["ghcr.io": ("bot", Self.password)])],
            serviceAccountList: ["quay"])
        #expect(diagnosis.isHealthy)
        #expect(diagnosis.findings.map(\.code) == ["service-account-list-ignored"])
    }

    // MARK: each secret

    @Test("a missing secret: the kubelet pulls without it; create it")
    func missingSecret() {
        let diagnosis = Self.pod(images: ["ghcr.io/org/app:1"], pullSecrets: ["ghcr"], secrets: [:])
        #expect(diagnosis.secrets.map(\.state) == [.missing])
        #expect(diagnosis.images[0].status == .problem)
        #expect(Self.problemCodes(diagnosis) == ["secret-missing", "no-credentials"])
        #expect(diagnosis.fixes == ["regcred create ghcr --registry ghcr.io --username '<username>' --password-stdin -n shop"])
    }

    @Test("a missing secret is only a note when every image has credentials from another")
    func missingSecretHarmless() {
        let diagnosis = Self.pod(
            images: ["ghcr.io/org/app:1"], pullSecrets: ["old", "ghcr"], secrets: ["ghcr": Self.pullSecret(["ghcr.io": ("bot", Self.password)])])
        #expect(diagnosis.isHealthy)
        #expect(diagnosis.findings.first { $0.code == "secret-missing" }?.severity == .note)
    }

    @Test("a secret of the wrong type is ignored by the kubelet, even holding a docker config")
    func wrongType() {
        let opaque = ObservedPullSecret(type: "Opaque", data: [".dockerconfigjson": Self.config(["ghcr.io": ("bot", Self.password)])])
        let diagnosis = Self.pod(images: ["ghcr.io/org/app:1"], pullSecrets: ["ghcr"], secrets: ["ghcr": opaque])
        #expect(diagnosis.secrets[0].state == .notAPullSecret)
        #expect(diagnosis.secrets[0].detail.contains("has type Opaque (though it holds a docker config)"))
        #expect(diagnosis.images[0].status == .problem)
        #expect(diagnosis.fixes.first == "kubectl delete secret ghcr -n shop")
        #expect(diagnosis.fixes.contains("regcred create ghcr --registry ghcr.io --username '<username>' --password-stdin -n shop"))
    }

    @Test("the legacy kubernetes.io/dockercfg type with its .dockercfg key is read")
    func legacyDockercfg() {
        let legacy = Self.rawPullSecret(#"{"ghcr.io":{"auth":"\#(BasicAuthField.encode(username: "bot", password: Self.password))"}}"#, type: "kubernetes.io/dockercfg", key: ".dockercfg")
        let diagnosis = Self.pod(images: ["ghcr.io/org/app:1"], pullSecrets: ["ghcr"], secrets: ["ghcr": legacy])
        #expect(diagnosis.isHealthy)
    }

    @Test("the right type without its key is ignored")
    func missingKey() {
        let secret = Self.rawPullSecret("{}", key: "config.json")
        let diagnosis = Self.pod(images: ["ghcr.io/org/app:1"], pullSecrets: ["ghcr"], secrets: ["ghcr": secret])
        #expect(diagnosis.secrets[0].state == .missingKey)
        #expect(Self.problemCodes(diagnosis).contains("secret-missing-key"))
    }

    @Test("a secret that does not parse fails every pull of the pod, public images included", arguments: [
        "{not json", #"{"auths":[]}"#, #"{"auths":{"ghcr.io":{"username":7}}}"#,
    ])
    func malformedDocument(json: String) {
        let diagnosis = Self.pod(
            images: ["nginx", "ghcr.io/org/app:1"], pullSecrets: ["broken", "ghcr"],
            secrets: ["broken": Self.rawPullSecret(json), "ghcr": Self.pullSecret(["ghcr.io": ("bot", Self.password)])])
        #expect(diagnosis.secrets[0].state == .malformed)
        #expect(diagnosis.images.allSatisfy { $0.status == .problem })
        #expect(diagnosis.images.allSatisfy { $0.findings.first?.code == "keyring-refused" })
        #expect(diagnosis.fixes.starts(with: ["kubectl delete secret broken -n shop"]))
    }

    @Test("an auth field that does not decode fails every pull; update recomputes it", arguments: ["%%%not-base64", "bm9jb2xvbg=="])
    func malformedAuth(auth: String) {
        let secret = Self.rawPullSecret(#"{"auths":{"ghcr.io":{"username":"bot","auth":"\#(auth)"}}}"#)
        let diagnosis = Self.pod(images: ["nginx"], pullSecrets: ["ghcr"], secrets: ["ghcr": secret])
        #expect(diagnosis.secrets[0].state == .malformed)
        #expect(!diagnosis.isHealthy)
        #expect(diagnosis.images[0].status == .problem)
        #expect(diagnosis.fixes == ["regcred update ghcr --registry ghcr.io --username bot --password-stdin -n shop"])
    }

    @Test("a document without auths offers no credentials but breaks nothing")
    func noAuths() {
        let diagnosis = Self.pod(images: ["nginx"], pullSecrets: ["empty"], secrets: ["empty": Self.rawPullSecret("{}")])
        #expect(diagnosis.secrets[0].state == .usable)
        #expect(diagnosis.isHealthy)
    }

    @Test("auth disagreeing with the password field: the kubelet sends auth; update recomputes it")
    func authMismatch() {
        let stale = BasicAuthField.encode(username: "bot", password: "old-token")
        let secret = Self.rawPullSecret(#"{"auths":{"ghcr.io":{"username":"bot","password":"new-token","auth":"\#(stale)"}}}"#)
        let diagnosis = Self.pod(images: ["ghcr.io/org/app:1"], pullSecrets: ["ghcr"], secrets: ["ghcr": secret])
        #expect(diagnosis.images[0].status == .problem)
        #expect(diagnosis.images[0].credentials[0].auth == "mismatch")
        #expect(diagnosis.fixes == ["regcred update ghcr --registry ghcr.io --password-stdin -n shop"])
    }

    // MARK: matching and near misses

    @Test("the kubelet's order: more specific keys first, across secrets")
    func matchOrder() {
        let diagnosis = Self.pod(
            images: ["quay.io/team/app:1"], pullSecrets: ["a", "b"],
            secrets: ["a": Self.pullSecret(["quay.io": ("org", "p1")]), "b": Self.pullSecret(["quay.io/team": ("team", "p2")])])
        #expect(diagnosis.images[0].credentials.map(\.registryKey) == ["quay.io/team", "quay.io"])
        #expect(diagnosis.images[0].credentials.map(\.order) == [1, 2])
    }

    @Test("near misses are named, with a key that would match", arguments: [
        ("registry-1.docker.io", "myorg/app:1", NearMiss.Kind.dockerHubAlias, "https://index.docker.io/v1/"),
        ("https://index.docker.io/v1/myorg", "myorg/app:1", .dockerHubAlias, "docker.io/myorg"),
        ("docker.io", "registry-1.docker.io/myorg/app:1", .dockerHubAlias, "registry-1.docker.io"),
        ("reg.example.com:5000", "reg.example.com/app:1", .port, "reg.example.com"),
        ("reg.example.com", "reg.example.com:5000/app:1", .port, "reg.example.com:5000"),
        ("*.example.com", "example.com/app:1", .glob, "example.com"),
        ("*.example.com", "a.b.example.com/app:1", .glob, "a.b.example.com"),
        ("ghcr.io/org-a", "ghcr.io/org-b/app:1", .path, "ghcr.io"),
    ])
    func nearMiss(key: String, image: String, kind: NearMiss.Kind, suggested: String) {
        // A failed pull in the status says credentials are needed: a path near miss alone is only a note.
        let diagnosis = Self.pod(
            images: [image], pullSecrets: ["pull"], secrets: ["pull": Self.pullSecret([key: ("bot", Self.password)])],
            pullFailure: "ErrImagePull")
        let result = diagnosis.images[0]
        #expect(result.status == .problem)
        #expect(result.nearMisses.map(\.kind) == [kind])
        #expect(result.nearMisses.first?.suggestedKey == suggested)
        #expect(Self.problemCodes(diagnosis).contains("near-miss-\(kind.rawValue)"))
        // One credential shared by every entry: rewriting the secret with the extra key loses nothing.
        #expect(diagnosis.fixes == [
            "regcred create pull --registry \(PullFixCommands.quoted(key)) --registry \(PullFixCommands.quoted(suggested)) --username bot --password-stdin --overwrite -n shop"
        ])
    }

    @Test("a key scoped to another path is named, but alone does not make a public-looking image a problem")
    func pathNearMissAlone() {
        let diagnosis = Self.pod(images: ["nginx:1.27"], pullSecrets: ["hub"], secrets: ["hub": Self.pullSecret(["docker.io/acme": ("acme", Self.password)])])
        #expect(diagnosis.images[0].status == .anonymous)
        #expect(diagnosis.images[0].nearMisses.map(\.kind) == [.path])
        #expect(diagnosis.isHealthy)
    }

    @Test("Docker Hub keys the kubelet does accept are no near misses", arguments: ["docker.io", "https://index.docker.io/v1/", "index.docker.io"])
    func dockerHubKeysThatWork(key: String) {
        let diagnosis = Self.pod(images: ["nginx:1.27"], pullSecrets: ["hub"], secrets: ["hub": Self.pullSecret([key: ("bot", Self.password)])])
        #expect(diagnosis.images[0].status == .ok)
        #expect(diagnosis.images[0].nearMisses.isEmpty)
    }

    @Test("an unrelated host is not a near miss, and a public-looking image is pulled anonymously")
    func unrelatedHost() {
        let diagnosis = Self.pod(
            images: ["nginx"], pullSecrets: ["ghcr"], secrets: ["ghcr": Self.pullSecret(["ghcr.io": ("bot", Self.password)])])
        #expect(diagnosis.images[0].status == .anonymous)
        #expect(diagnosis.images[0].nearMisses.isEmpty)
        #expect(diagnosis.isHealthy)
    }

    @Test("no credentials and a failed pull in the pod's status: a problem, with a fix")
    func anonymousPullFailed() {
        let diagnosis = Self.pod(
            images: ["ghcr.io/org/app:1"], pullSecrets: [], secrets: [:], serviceAccountList: [],
            pullFailure: "ImagePullBackOff: Back-off pulling image")
        #expect(diagnosis.images[0].status == .problem)
        #expect(diagnosis.fixes == [
            "regcred create regcred-ghcr --registry ghcr.io --username '<username>' --password-stdin -n shop",
            #"kubectl patch serviceaccount app -n shop -p '{"imagePullSecrets":[{"name":"regcred-ghcr"}]}'"#,
            "kubectl delete pod web -n shop",
        ])
    }

    @Test("a matching pull secret the pod does not reference is offered instead of a new one")
    func existingUnreferencedSecret() {
        let diagnosis = Self.pod(
            images: ["ghcr.io/org/app:1"], pullSecrets: [], secrets: [:], serviceAccountList: [],
            others: ["ghcr-pull": Self.pullSecret(["ghcr.io": ("bot", Self.password)])], pullFailure: "ErrImagePull")
        #expect(diagnosis.fixes == [
            #"kubectl patch serviceaccount app -n shop -p '{"imagePullSecrets":[{"name":"ghcr-pull"}]}'"#,
            "kubectl delete pod web -n shop",
        ])
    }

    @Test("an invalid image reference is a problem of its own")
    func invalidImage() {
        let diagnosis = Self.pod(images: ["Ghcr.io/Org/App"], pullSecrets: [], secrets: [:])
        #expect(diagnosis.images[0].status == .problem)
        #expect(Self.codes(diagnosis) == ["invalid-image", "no-pull-secrets"])
    }

    // MARK: expiry

    @Test("an expired JWT is a problem; update replaces it")
    func expiredToken() {
        let token = Self.jwt(expiresAt: Self.now.addingTimeInterval(-3 * 3600))
        let diagnosis = Self.pod(images: ["ghcr.io/org/app:1"], pullSecrets: ["ghcr"], secrets: ["ghcr": Self.pullSecret(["ghcr.io": ("bot", token)])])
        #expect(diagnosis.images[0].status == .problem)
        #expect(diagnosis.images[0].credentials[0].usable == false)
        #expect(diagnosis.images[0].findings.first?.message.contains("expired 3h ago") == true)
        #expect(diagnosis.fixes == ["regcred update ghcr --registry ghcr.io --password-stdin -n shop"])
    }

    @Test("an expired ECR token is read from its password")
    func expiredECRToken() {
        let token = Data(#"{"payload":"x","expiration":\#(Int(Self.now.timeIntervalSince1970) - 60)}"#.utf8).base64EncodedString()
        let diagnosis = Self.pod(
            images: ["123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"], pullSecrets: ["ecr"],
            secrets: ["ecr": Self.pullSecret(["123456789012.dkr.ecr.us-east-1.amazonaws.com": ("AWS", token)])])
        #expect(Self.problemCodes(diagnosis).contains("credentials-expired"))
    }

    @Test("an expired entry is only a note when a later matching one is valid")
    func expiredButFallback() {
        let expired = Self.jwt(expiresAt: Self.now.addingTimeInterval(-60))
        let diagnosis = Self.pod(
            images: ["quay.io/team/app:1"], pullSecrets: ["a"],
            secrets: ["a": Self.pullSecret(["quay.io/team": ("team", expired), "quay.io": ("org", Self.password)])])
        #expect(diagnosis.isHealthy)
        #expect(diagnosis.images[0].findings.first { $0.code == "credentials-expired" }?.severity == .note)
    }

    @Test("a token expiring within the hour is noted, not a problem")
    func expiringSoon() {
        let token = Self.jwt(expiresAt: Self.now.addingTimeInterval(20 * 60))
        let diagnosis = Self.pod(images: ["ghcr.io/org/app:1"], pullSecrets: ["ghcr"], secrets: ["ghcr": Self.pullSecret(["ghcr.io": ("bot", token)])])
        #expect(diagnosis.isHealthy)
        #expect(diagnosis.images[0].findings.map(\.code) == ["credentials-expiring"])
    }

    // MARK: verification

    @Test("verification probes usable credentials in order; a refusal makes the image a problem")
    func verification() {
        var diagnosis = Self.pod(
            images: ["quay.io/team/app:1", "ghcr.io/org/app"], pullSecrets: ["a"],
            secrets: ["a": Self.pullSecret(["quay.io/team": ("team", "p1"), "quay.io": ("org", "p2"), "ghcr.io": ("bot", "p3")])])
        let targets = diagnosis.probeTargets
        #expect(targets[0].map(\.registryKey) == ["quay.io/team", "quay.io"])
        #expect(targets[0].map(\.password.value) == ["p1", "p2"])
        #expect(targets[1].map(\.image) == ["ghcr.io/org/app:latest"])
        diagnosis.applyVerification([
            (targets[0][0], .rejected), (targets[0][1], .accepted), (targets[1][0], .noPullPermission),
        ])
        #expect(diagnosis.images[0].status == .ok)
        #expect(diagnosis.images[0].credentials.map(\.verification) == ["rejected", "ok"])
        #expect(diagnosis.images[1].status == .problem)
        #expect(Self.problemCodes(diagnosis) == ["registry-no-pull-permission"])
    }

    @Test("an unreachable registry leaves the verdict as it was, with a note")
    func verificationInconclusive() {
        var diagnosis = Self.pod(
            images: ["ghcr.io/org/app:1"], pullSecrets: ["ghcr"], secrets: ["ghcr": Self.pullSecret(["ghcr.io": ("bot", Self.password)])])
        diagnosis.applyVerification([(diagnosis.probeTargets[0][0], .inconclusive("connection refused"))])
        #expect(diagnosis.isHealthy)
        #expect(diagnosis.images[0].findings.map(\.code) == ["registry-unverified"])
    }

    // MARK: no secret in the report

    @Test("neither the findings nor the JSON report carry a password or token")
    func noSecretInReport() throws {
        let token = Self.jwt(expiresAt: Self.now.addingTimeInterval(-60))
        let diagnosis = Self.pod(
            images: ["ghcr.io/org/app:1", "quay.io/x/y"], pullSecrets: ["ghcr", "gone"],
            secrets: ["ghcr": Self.pullSecret(["ghcr.io": ("bot", token), "quay.io:443": ("bot", Self.password)])])
        let encoder = JSONEncoder()
        let json = String(decoding: try encoder.encode(diagnosis), as: UTF8.self)
        #expect(!json.isEmpty)
        for secret in [token, Self.password, BasicAuthField.encode(username: "bot", password: Self.password)] {
            #expect(!json.contains(secret))
        }
        #expect(json.contains("\"healthy\":false"))
    }

    // MARK: offline

    @Test("pull secret files: every given secret is offered, in order")
    func secretFiles() {
        let diagnosis = PullDiagnoser.diagnose(PullDiagnosisInput(
            subject: .secretFiles, namespace: nil, containers: [.init(name: "image-1", kind: .container, image: "ghcr.io/org/app:1")],
            podPullSecrets: ["a.json", "b.yaml"], serviceAccount: nil,
            secrets: [
                "a.json": ObservedPullSecret(type: "kubernetes.io/dockerconfigjson", data: [".dockerconfigjson": Self.config(["quay.io": ("x", "y")])], file: "a.json"),
                "b.yaml": ObservedPullSecret(
                    type: "kubernetes.io/dockerconfigjson", data: [".dockerconfigjson": Self.config(["ghcr.io": ("bot", Self.jwt(expiresAt: Self.now))])],
                    file: "b.yaml"),
            ], now: Self.now))
        #expect(diagnosis.pullSecretSource == "files")
        #expect(diagnosis.fixes == ["regcred update -f b.yaml --registry ghcr.io --password-stdin --in-place"])
    }
}
