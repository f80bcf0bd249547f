// `regcred credential-provider`: the kubelet's image credential provider exec protocol
// (credentialprovider.kubelet.k8s.io/v1). The kubelet writes a CredentialProviderRequest for one
// image on stdin and reads a CredentialProviderResponse on stdout; the answer is cached per
// registry for half the token's remaining lifetime.
import Foundation
import RegcredCore

public enum KubeletCredentialProvider {
    public static let supportedAPIVersions = ["credentialprovider.kubelet.k8s.io/v1", "credentialprovider.kubelet.k8s.io/v1beta1"]

    public struct Request: Hashable, Sendable {
        public var apiVersion: String
        public var image: String
    }

    /// Parses the request; the response must carry the same apiVersion.
    public static func parseRequest(_ data: Data) throws -> Request {
        let document: JSONValue
        do { document = try JSONValue(parsing: data) } catch {
            throw CredentialProviderError.malformedRequest("standard input is not JSON")
        }
        guard document["kind"]?.stringValue == "CredentialProviderRequest" else {
            throw CredentialProviderError.malformedRequest("expected kind CredentialProviderRequest")
        }
        guard let apiVersion = document["apiVersion"]?.stringValue, supportedAPIVersions.contains(apiVersion) else {
            throw CredentialProviderError.malformedRequest(
                "unsupported apiVersion \(document["apiVersion"]?.stringValue ?? "(none)"); supported: \(supportedAPIVersions.joined(separator: ", "))")
        }
        guard let image = document["image"]?.stringValue, !image.isEmpty else {
            throw CredentialProviderError.malformedRequest("the request names no image")
        }
        return Request(apiVersion: apiVersion, image: image)
    }

    /// The response: the entries of `material` (plus `registries`) that the kubelet's matching
    /// rules select for the image, keyed as written; `cacheDuration` half the remaining lifetime.
    /// No entry matches → an empty `auth`, so the kubelet tries other providers or pulls anonymously.
    public static func response(
        to request: Request, material: CredentialMaterial, registries: [String], now: Date
    ) throws -> Data {
        let config = try DockerConfig(parsing: material.pullSecretContent(registries: registries), format: .dockerConfigJSON)
        let image = try ImageReference(parsing: request.image)
        let candidates = config.registries.map { KubeletMatcher.Candidate(key: $0, entry: $0) }
        var auth: [String: JSONValue] = [:]
        for match in KubeletMatcher.lookup(image, in: candidates).matches {
            guard let credentials = config.entries[match.key]?.effectiveCredentials else { continue }
            auth[match.key] = .object(["username": .string(credentials.username), "password": .string(credentials.password)])
        }
        var response: [String: JSONValue] = [
            "apiVersion": .string(request.apiVersion), "kind": .string("CredentialProviderResponse"),
            "cacheKeyType": .string("Registry"), "auth": .object(auth),
        ]
        if let expiresAt = material.expiresAt {
            let half = Int64(max(0, expiresAt.timeIntervalSince(now)) / 2)
            response["cacheDuration"] = .string(GoDuration.format(seconds: half))
        }
        return JSONValue.object(response).encoded()
    }
}

public enum CredentialProviderError: UserFacingError, Equatable {
    case malformedRequest(String)

    public var kind: FailureKind { .invalidInput }

    public var description: String {
        switch self {
        case .malformedRequest(let detail): "credential provider request: \(detail)"
        }
    }
}
