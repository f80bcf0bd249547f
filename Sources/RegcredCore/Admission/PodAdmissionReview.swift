// PodAdmissionReview: reading an `admission.k8s.io/v1` AdmissionReview that the API server sends
// the pod webhook, and writing the answer. Pure bytes in, bytes out, so every shape of request is
// tested without a socket; the webhook server only moves the bytes.
import Foundation

public enum PodAdmissionReview {
    public static let apiVersion = "admission.k8s.io/v1"
    public static let kind = "AdmissionReview"

    /// What a request asks, once read.
    public enum Reading: Hashable, Sendable {
        /// A pod being created: the case the webhook decides.
        case podCreate(uid: String, pod: PodPullSecretInjection.Pod, dryRun: Bool)
        /// Anything else with a uid (another version, resource, operation or subresource, a
        /// pod object that is not one): allowed as it is, answered in the request's apiVersion.
        case other(uid: String, apiVersion: String, reason: String)
    }

    /// Reads a request body. Throws only when there is nothing to answer: not JSON, not an
    /// AdmissionReview, or no request uid (the webhook then replies HTTP 400).
    public static func read(_ body: Data) throws(PodAdmissionReviewError) -> Reading {
        let review: Review
        do { review = try JSONDecoder().decode(Review.self, from: body) } catch {
            throw .malformed("the body is not an AdmissionReview: \(Self.shortReason(error))")
        }
        guard review.kind == kind, let version = review.apiVersion else {
            throw .malformed("kind is \(review.kind.map { "\"\($0)\"" } ?? "missing"), expected \"\(kind)\" with an apiVersion")
        }
        guard let request = review.request else { throw .malformed("the AdmissionReview has no request") }
        guard let uid = request.uid, !uid.isEmpty else { throw .malformed("the AdmissionReview request has no uid") }
        guard version == apiVersion else {
            return .other(uid: uid, apiVersion: version, reason: "apiVersion \(version) (only \(apiVersion) is read)")
        }
        let resource = request.resource
        guard resource?.group ?? "" == "", resource?.resource == "pods", (request.subResource ?? "").isEmpty else {
            let name = [resource?.group, resource?.resource].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "/")
            return .other(uid: uid, apiVersion: version, reason: "resource \(name.isEmpty ? "(none)" : name)\(request.subResource.map { "/\($0)" } ?? "")")
        }
        guard request.operation == "CREATE" else {
            return .other(uid: uid, apiVersion: version, reason: "operation \(request.operation ?? "(none)")")
        }
        guard let object = request.object else {
            return .other(uid: uid, apiVersion: version, reason: "the request carries no readable pod")
        }
        let spec = object.spec
        let images = [spec?.initContainers, spec?.containers, spec?.ephemeralContainers]
            .flatMap { $0 ?? [] }.compactMap(\.image)
        let pod = PodPullSecretInjection.Pod(
            namespace: request.namespace ?? object.metadata?.namespace ?? "", annotations: object.metadata?.annotations ?? [:],
            images: images, imagePullSecrets: spec?.imagePullSecrets.map { $0.map { $0?.name ?? "" } })
        return .podCreate(uid: uid, pod: pod, dryRun: request.dryRun ?? false)
    }

    /// The answer: always allowed (the webhook only adds references, it never refuses a pod),
    /// with the JSON Patch when there is one.
    public static func response(uid: String, apiVersion: String = apiVersion, patch: Data?) -> Data {
        var answer: [String: JSONValue] = ["uid": .string(uid), "allowed": .bool(true)]
        if let patch {
            answer["patchType"] = "JSONPatch"
            answer["patch"] = .string(patch.base64EncodedString())
        }
        return JSONValue.object(["apiVersion": .string(apiVersion), "kind": .string(kind), "response": .object(answer)]).encoded()
    }

    /// A decoding error's gist, without the input: a pod's annotations may hold anything.
    private static func shortReason(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(_): "not valid JSON"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "a field of the wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.keyNotFound(let key, _): "\(key.stringValue) is missing"
        default: "it could not be decoded"
        }
    }

    // MARK: the fields read; everything else is skipped by the decoder

    private struct Review: Decodable {
        var apiVersion: String?
        var kind: String?
        var request: Request?
    }

    private struct Request: Decodable {
        var uid: String?
        var resource: GroupVersionResource?
        var subResource: String?
        var operation: String?
        var namespace: String?
        var dryRun: Bool?
        var object: PodObject?

        enum CodingKeys: String, CodingKey {
            case uid, resource, subResource, operation, namespace, dryRun, object
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            uid = try container.decodeIfPresent(String.self, forKey: .uid)
            resource = try container.decodeIfPresent(GroupVersionResource.self, forKey: .resource)
            subResource = try container.decodeIfPresent(String.self, forKey: .subResource)
            operation = try container.decodeIfPresent(String.self, forKey: .operation)
            namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
            dryRun = try container.decodeIfPresent(Bool.self, forKey: .dryRun)
            // An object of another shape (another resource, a malformed pod) is not refused here:
            // the request is still answered, allowed and unpatched.
            object = try? container.decodeIfPresent(PodObject.self, forKey: .object)
        }
    }

    private struct GroupVersionResource: Decodable {
        var group: String?
        var version: String?
        var resource: String?
    }

    private struct PodObject: Decodable {
        var metadata: Metadata?
        var spec: Spec?
    }

    private struct Metadata: Decodable {
        var namespace: String?
        var annotations: [String: String]?
    }

    private struct Spec: Decodable {
        var initContainers: [Container]?
        var containers: [Container]?
        var ephemeralContainers: [Container]?
        /// Entries may be `{}` or null in what a client sent; each still counts as an entry.
        var imagePullSecrets: [Reference?]?
    }

    private struct Container: Decodable {
        var image: String?
    }

    private struct Reference: Decodable {
        var name: String?
    }
}

public enum PodAdmissionReviewError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing in the body can be answered; the webhook replies 400 with this text.
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let reason):
            "\(reason); the pod webhook expects an \(PodAdmissionReview.apiVersion) \(PodAdmissionReview.kind) with a request uid"
        }
    }
}
