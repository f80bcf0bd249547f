import Foundation
import Testing

@testable import RegcredCore

@Suite("PodAdmissionReview")
struct PodAdmissionReviewTests {
    /// An AdmissionReview as kube-apiserver sends it for `kubectl run` (fields it always sets, and
    /// some the webhook has no use for).
    static func review(
        apiVersion: String = "admission.k8s.io/v1", uid: String? = "705ab4f5-6393-11e8-b7cc-42010a800002",
        resource: String = "pods", group: String = "", subResource: String? = nil, operation: String = "CREATE",
        dryRun: Bool = false, object: JSONValue? = pod()
    ) -> Data {
        var request: [String: JSONValue] = [
            "kind": ["group": "", "version": "v1", "kind": "Pod"],
            "resource": ["group": .string(group), "version": "v1", "resource": .string(resource)],
            "requestKind": ["group": "", "version": "v1", "kind": "Pod"],
            "namespace": "apps", "operation": .string(operation), "dryRun": .bool(dryRun),
            "userInfo": ["username": "admin", "groups": ["system:masters"]],
            "options": ["apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"],
        ]
        if let uid { request["uid"] = .string(uid) }
        if let subResource { request["subResource"] = .string(subResource) }
        if let object { request["object"] = object }
        return JSONValue.object(["apiVersion": .string(apiVersion), "kind": "AdmissionReview", "request": .object(request)]).encoded()
    }

    static func pod(spec: JSONValue? = nil, annotations: JSONValue? = nil) -> JSONValue {
        var metadata: JSONValue = ["generateName": "web-", "labels": ["app": "web"]]
        if let annotations { metadata["annotations"] = annotations }
        return [
            "apiVersion": "v1", "kind": "Pod", "metadata": metadata,
            "spec": spec ?? [
                "initContainers": [["name": "init", "image": "ghcr.io/org/init:1"]],
                "containers": [["name": "app", "image": "ghcr.io/org/app:1", "ports": [["containerPort": 80]]], ["name": "side", "image": "quay.io/x/y"]],
                "ephemeralContainers": [["name": "debug", "image": "busybox"]],
                "imagePullSecrets": [["name": "theirs"]],
                "serviceAccountName": "default",
            ],
        ]
    }

    @Test("a pod CREATE is read: the request's namespace, every container's image, its pull secrets, its annotations")
    func readsPodCreate() throws {
        let reading = try PodAdmissionReview.read(Self.review(object: Self.pod(annotations: ["regcred.dev/inject": "false"])))
        #expect(reading == .podCreate(
            uid: "705ab4f5-6393-11e8-b7cc-42010a800002",
            pod: .init(namespace: "apps", annotations: ["regcred.dev/inject": "false"],
                       images: ["ghcr.io/org/init:1", "ghcr.io/org/app:1", "quay.io/x/y", "busybox"], imagePullSecrets: ["theirs"]),
            dryRun: false))
    }

    @Test("imagePullSecrets absent or null reads as none; {} entries still count as entries")
    func pullSecretShapes() throws {
        for secrets in [nil, JSONValue.null] as [JSONValue?] {
            var spec: JSONValue = ["containers": [["name": "a", "image": "nginx"]]]
            if let secrets { spec["imagePullSecrets"] = secrets }
            guard case .podCreate(_, let pod, _) = try PodAdmissionReview.read(Self.review(object: Self.pod(spec: spec))) else {
                Issue.record("not read as a pod create")
                continue
            }
            #expect(pod.imagePullSecrets == nil)
        }
        let spec: JSONValue = ["containers": [["name": "a", "image": "nginx"]], "imagePullSecrets": [[:], ["name": "x"]]]
        guard case .podCreate(_, let pod, _) = try PodAdmissionReview.read(Self.review(object: Self.pod(spec: spec))) else {
            Issue.record("not read as a pod create")
            return
        }
        #expect(pod.imagePullSecrets == ["", "x"])
    }

    @Test("dry-run requests are read as such")
    func dryRun() throws {
        guard case .podCreate(_, _, let dryRun) = try PodAdmissionReview.read(Self.review(dryRun: true)) else {
            Issue.record("not read as a pod create")
            return
        }
        #expect(dryRun)
    }

    @Test(
        "anything but a v1 pod CREATE is answered allowed and unpatched, in the request's apiVersion",
        arguments: [
            (review(apiVersion: "admission.k8s.io/v1beta1"), "admission.k8s.io/v1beta1"),
            (review(operation: "UPDATE"), "admission.k8s.io/v1"),
            (review(operation: "DELETE", object: nil), "admission.k8s.io/v1"),
            (review(resource: "deployments", group: "apps"), "admission.k8s.io/v1"),
            (review(subResource: "ephemeralcontainers", operation: "UPDATE"), "admission.k8s.io/v1"),
            (review(subResource: "binding"), "admission.k8s.io/v1"),
            (review(object: ["spec": ["containers": "not a list"]]), "admission.k8s.io/v1"),
        ])
    func otherRequests(body: Data, apiVersion: String) throws {
        guard case .other(let uid, let version, _) = try PodAdmissionReview.read(body) else {
            Issue.record("read as a pod create")
            return
        }
        #expect(uid == "705ab4f5-6393-11e8-b7cc-42010a800002")
        #expect(version == apiVersion)
    }

    @Test(
        "a body with nothing to answer is refused",
        arguments: [
            Data("not json".utf8), Data("{}".utf8), Data(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.utf8),
            review(uid: nil), review(uid: ""), Data(#"{"apiVersion":"v1","kind":"Pod"}"#.utf8),
            Data(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":7}}"#.utf8),
        ])
    func malformed(body: Data) {
        #expect(throws: PodAdmissionReviewError.self) { try PodAdmissionReview.read(body) }
    }

    @Test("a malformed body's error does not repeat the body")
    func errorsDoNotQuoteTheBody() {
        let secret = "hunter2-password"
        let body = Data(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"\#(secret)"#.utf8)
        do {
            _ = try PodAdmissionReview.read(body)
            Issue.record("read a truncated body")
        } catch {
            #expect(!error.description.contains(secret))
        }
    }

    @Test("the response echoes the uid, allows, and carries the patch base64-encoded as a JSONPatch")
    func responseWithPatch() throws {
        let patch = Data(#"[{"op":"add","path":"/spec/imagePullSecrets","value":[{"name":"regcred-ghcr"}]}]"#.utf8)
        let response = try JSONValue(parsing: PodAdmissionReview.response(uid: "u-1", patch: patch))
        #expect(response["apiVersion"] == "admission.k8s.io/v1")
        #expect(response["kind"] == "AdmissionReview")
        #expect(response["response"]?["uid"] == "u-1")
        #expect(response["response"]?["allowed"] == .bool(true))
        #expect(response["response"]?["patchType"] == "JSONPatch")
        #expect(response["response"]?["patch"]?.stringValue.flatMap { Data(base64Encoded: $0) } == patch)
    }

    @Test("without a patch the response has neither patch nor patchType")
    func responseWithoutPatch() throws {
        let response = try JSONValue(parsing: PodAdmissionReview.response(uid: "u-2", apiVersion: "admission.k8s.io/v1beta1", patch: nil))
        #expect(response["apiVersion"] == "admission.k8s.io/v1beta1")
        #expect(response["response"] == ["uid": "u-2", "allowed": .bool(true)])
    }
}
