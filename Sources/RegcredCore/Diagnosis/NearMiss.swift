// Entries that do not match an image but were almost certainly meant for it: a Docker Hub
// alias, the same host with another port, a glob that covers other label counts, a path that
// is not a prefix. Naming these is most of the value of `doctor`.
import Foundation

public struct NearMiss: Sendable, Equatable, Encodable {
    public enum Kind: String, Sendable, Codable {
        /// Both name Docker Hub, but the kubelet compares hosts literally (`registry-1.docker.io`,
        /// `index.docker.io/org` with a path, which the Docker Hub fallback does not cover).
        case dockerHubAlias = "docker-hub-alias"
        /// Same host, different port (the kubelet compares ports as strings).
        case port
        /// A `*` label that matches exactly one label, so not the bare domain nor deeper hosts.
        case glob
        /// Same host and port, but the key's path is not a prefix of the image's path.
        case path
    }

    public let secret: String
    public let registryKey: String
    public let kind: Kind
    /// The matcher's reason, plus what would match.
    public let detail: String
    /// A key that would match the image.
    public let suggestedKey: String

    /// Docker Hub's registry names as users write them in keys and images.
    static let dockerHubHosts: Set<String> = [
        "docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com", "hub.docker.com",
    ]

    /// The near miss a skipped entry represents for `image`, or nil for an unrelated entry.
    static func classify(
        secret: String, key: String, verdict: KubeletMatcher.Verdict, image: ImageReference
    ) -> NearMiss? {
        guard let parsed = try? RegistryKey(parsing: key) else { return nil }
        let imageHost = RegistryKey.GoURL.splitHostPort(image.registry)?.host ?? image.registry
        // index.docker.io/org with a path: the same path under docker.io keeps the key as narrow.
        let keepsPath = parsed.hostname == "index.docker.io" && !parsed.path.isEmpty && image.registry == "docker.io"
        let suggested = keepsPath ? "docker.io" + parsed.path : suggestedKey(for: image)
        func miss(_ kind: Kind, _ why: String) -> NearMiss {
            NearMiss(secret: secret, registryKey: key, kind: kind, detail: "\(verdict.description); \(why)", suggestedKey: suggested)
        }
        switch verdict {
        case .portDiffers:
            return miss(.port, "a key for \(image.registry) would match")
        case .pathNotPrefix:
            return miss(.path, "the key only covers repositories under \(parsed.indexKey); \(suggested) would cover \(image.normalizedName)")
        case .labelCountDiffers, .labelDiffers:
            if dockerHubHosts.contains(parsed.hostname), dockerHubHosts.contains(imageHost) {
                let why =
                    parsed.hostname == "index.docker.io" && !parsed.path.isEmpty
                    ? "index.docker.io serves Docker Hub images only as a bare key without a path (the fallback); write docker.io\(parsed.path) to limit it to a path"
                    : "the kubelet compares hosts literally: the image names \(image.registry), the key \(parsed.hostname)"
                return miss(.dockerHubAlias, why)
            }
            if parsed.hostname.contains("*") {
                let labels = parsed.hostname.split(separator: ".", omittingEmptySubsequences: false)
                let literalSuffix = labels.reversed().prefix { !$0.contains("*") }.reversed().joined(separator: ".")
                if !literalSuffix.isEmpty, imageHost == literalSuffix || imageHost.hasSuffix("." + literalSuffix) {
                    return miss(.glob, "\"*\" stands for exactly one host label, so \(parsed.hostname) does not cover \(imageHost)")
                }
            }
            return nil
        default:
            return nil
        }
    }

    /// The key to add for an image: its registry, or Docker's canonical key for Docker Hub.
    static func suggestedKey(for image: ImageReference) -> String {
        image.registry == "docker.io" ? "https://index.docker.io/v1/" : image.registry
    }
}
