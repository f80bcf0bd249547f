// Which docker config entries the kubelet hands to the container runtime for an image, in
// which order, and — for every entry it skips — the exact reason it skipped it.
import Foundation

/// The kubelet's credential lookup for one image, as `BasicDockerKeyring.Add` + `Lookup`
/// (`pkg/credentialprovider/keyring.go`) perform it, with a verdict for every candidate.
///
/// - Each key is normalised to its index key (``RegistryKey``); keys Go cannot parse are
///   ignored by the kubelet (`Entry %q in dockercfg invalid`), and reported here as
///   ``Verdict/invalidKey(_:)``.
/// - Index keys are deduplicated and sorted in reverse byte order, so `quay.io/coreos` is
///   tried before `quay.io`; the credentials of *every* matching index key are returned in
///   that order, and entries sharing an index key keep their order among the candidates.
/// - Matching (`URLsMatch`) treats the index key and the image's ``ImageReference/normalizedName``
///   as schemeless URLs and requires all of: equal ports (as strings, so `reg:443` is not
///   `reg`); the same number of host labels; the key's path a plain string prefix of the
///   image's path (so `/team` also covers `/teamfoo/app`); and each host label matching the
///   key's label as a `filepath.Match` glob (`*.example.com` covers `a.example.com` only,
///   not `example.com` nor `a.b.example.com`).
/// - When nothing matched and the image is a Docker Hub image by `isDefaultRegistryMatch`,
///   the entries whose index key is `index.docker.io` are returned instead.
///
/// The kubelet walks a config's `auths` map in Go's random map order; when one pull secret
/// holds several keys with the same index key, their relative order on a node is not fixed.
/// Across pull secrets it is the secrets' order, which the candidates' order models.
public enum KubeletMatcher {
    /// One docker config entry offered to the lookup: its key as written, and whatever the
    /// caller carries along (credentials, the secret it came from, a row number).
    public struct Candidate<Entry> {
        public let key: String
        public let entry: Entry

        public init(key: String, entry: Entry) {
            self.key = key
            self.entry = entry
        }
    }

    /// Why the kubelet uses, or skips, one candidate for an image.
    public enum Verdict: Equatable, Sendable, CustomStringConvertible {
        /// `URLsMatch` accepted the key.
        case matched
        /// No key matched, the image is a Docker Hub image, and this key's index key is
        /// `index.docker.io`.
        case matchedAsDockerHubFallback
        /// The ports differ as strings; `""` is no port.
        case portDiffers(keyPort: String, imagePort: String)
        /// The hosts split into different numbers of `.`-separated labels.
        case labelCountDiffers(keyLabels: Int, imageLabels: Int)
        /// A key label, read as a glob, does not match the image's label at that position.
        case labelDiffers(keyLabel: String, imageLabel: String)
        /// The key's path is not a string prefix of the image's path.
        case pathNotPrefix(keyPath: String, imagePath: String)
        /// The kubelet cannot use the key at all; the payload says why (``RegistryKeyError/reason``).
        case invalidKey(String)
        /// Go's URL parser refuses the image's registry (brackets around something that is no
        /// IPv6 address, e.g. `[1:2]:5000`), so `URLsMatchStr` fails for every key.
        case imageRegistryUnparseable(registry: String)

        public var isMatch: Bool {
            self == .matched || self == .matchedAsDockerHubFallback
        }

        public var description: String {
            switch self {
            case .matched:
                "matches"
            case .matchedAsDockerHubFallback:
                "matches as the Docker Hub fallback (index.docker.io serves Docker Hub images no other key matched)"
            case .portDiffers(let keyPort, let imagePort):
                "port differs: key has \(Self.describePort(keyPort)), image has \(Self.describePort(imagePort))"
            case .labelCountDiffers(let keyLabels, let imageLabels):
                "host has \(keyLabels) \(keyLabels == 1 ? "label" : "labels"), image has \(imageLabels)"
            case .labelDiffers(let keyLabel, let imageLabel):
                "label \"\(keyLabel)\" does not match \"\(imageLabel)\""
            case .pathNotPrefix(let keyPath, let imagePath):
                "path \(keyPath) is not a prefix of \(imagePath)"
            case .invalidKey(let reason):
                "ignored by the kubelet: \(reason)"
            case .imageRegistryUnparseable(let registry):
                "the kubelet cannot parse the image's registry \"\(registry)\" as a URL host, so no key matches"
            }
        }

        private static func describePort(_ port: String) -> String { port.isEmpty ? "none" : port }
    }

    /// One candidate with its verdict.
    public struct Outcome<Entry> {
        public let key: String
        /// The index key the kubelet files the entry under; `nil` when the key is invalid.
        public let indexKey: String?
        public let entry: Entry
        public let verdict: Verdict
        public var isMatch: Bool { verdict.isMatch }

        public init(key: String, indexKey: String?, entry: Entry, verdict: Verdict) {
            self.key = key
            self.indexKey = indexKey
            self.entry = entry
            self.verdict = verdict
        }
    }

    /// Every candidate with its verdict. `matches` holds the entries the kubelet returns, in
    /// its order; `others` holds the rest in the candidates' order.
    /// `kubelet` picks the Go `net/url` rules the node's kubelet was built with.
    public static func lookup<Entry>(
        _ image: ImageReference, in candidates: [Candidate<Entry>], kubelet: KubeletVersion = .newest
    ) -> (matches: [Outcome<Entry>], others: [Outcome<Entry>]) {
        let imageName = image.normalizedName
        // Lookup passes the normalised name through ParseSchemelessURL too. The reference
        // grammar admits bracketed registries that are no IPv6 address ("[1:2]"); Go refuses
        // those, and then no key matches (nor the fallback: such a name contains ":").
        let imageURL = try? RegistryKey.GoURL(parsing: "https://" + imageName, reportingAs: imageName, kubelet: kubelet)

        var keys: [RegistryKey?] = []
        var outcomes: [Outcome<Entry>] = []
        for candidate in candidates {
            do {
                let key = try RegistryKey(parsing: candidate.key, kubelet: kubelet)
                keys.append(key)
                let verdict =
                    imageURL.map { urlsMatch(key: key.lookupURL, image: $0) }
                    ?? .imageRegistryUnparseable(registry: image.registry)
                outcomes.append(Outcome(
                    key: candidate.key, indexKey: key.indexKey, entry: candidate.entry, verdict: verdict))
            } catch {
                keys.append(nil)
                outcomes.append(Outcome(
                    key: candidate.key, indexKey: nil, entry: candidate.entry, verdict: .invalidKey(error.reason)))
            }
        }

        // `dk.index`: the distinct index keys, reverse-sorted by bytes (Go compares strings
        // bytewise), so longer paths under the same host come first.
        // Positions of matching entries grouped by index key (in insertion order), so ordering
        // costs one sort of the matched keys rather than a scan of every entry per key.
        var matchedByIndexKey: [String: [Int]] = [:]
        for position in outcomes.indices where outcomes[position].verdict == .matched {
            if let indexKey = outcomes[position].indexKey { matchedByIndexKey[indexKey, default: []].append(position) }
        }
        var matchPositions: [Int] = []
        for indexKey in matchedByIndexKey.keys.sorted(by: { $1.utf8.lexicographicallyPrecedes($0.utf8) }) {
            matchPositions += matchedByIndexKey[indexKey] ?? []
        }

        if matchPositions.isEmpty, isDefaultRegistryMatch(imageName) {
            matchPositions = keys.indices.filter { keys[$0]?.isDockerHubFallbackKey == true }
            for position in matchPositions {
                let outcome = outcomes[position]
                outcomes[position] = Outcome(
                    key: outcome.key, indexKey: outcome.indexKey, entry: outcome.entry,
                    verdict: .matchedAsDockerHubFallback)
            }
        }

        let matched = Set(matchPositions)
        return (
            matches: matchPositions.map { outcomes[$0] },
            others: outcomes.indices.filter { !matched.contains($0) }.map { outcomes[$0] }
        )
    }

    // MARK: keyring.go rules

    /// `URLsMatch(globURL, targetURL)`: equal ports, equal label counts, the key's path a
    /// prefix of the image's, every label matching as a glob. A malformed glob is Go's
    /// `ErrBadPattern`, which `Lookup` discards: no match. (No key that current Go parses can
    /// carry one — see ``LabelPattern`` — so it reads as an ordinary label mismatch.)
    ///
    /// The kubelet checks port, label count, path, labels, in that order. It is a plain
    /// conjunction, so the order decides nothing but which failure we report; we report a
    /// different host first (label count, then labels), then port, then path, because the host
    /// is what a reader compares first: `ghcr.io:443` against `quay.io/app` reads better as
    /// `label "ghcr" does not match "quay"` than as a port difference.
    static func urlsMatch(key: RegistryKey.GoURL, image: RegistryKey.GoURL) -> Verdict {
        let (keyHost, keyPort) = key.hostAndPort
        let (imageHost, imagePort) = image.hostAndPort
        // strings.Split(host, "."): an empty host is one empty label.
        let keyLabels = keyHost.split(separator: ".", omittingEmptySubsequences: false)
        let imageLabels = imageHost.split(separator: ".", omittingEmptySubsequences: false)
        if keyLabels.count != imageLabels.count {
            return .labelCountDiffers(keyLabels: keyLabels.count, imageLabels: imageLabels.count)
        }
        for (keyLabel, imageLabel) in zip(keyLabels, imageLabels)
        where LabelPattern(String(keyLabel))?.matches(String(imageLabel)) != true {
            return .labelDiffers(keyLabel: String(keyLabel), imageLabel: String(imageLabel))
        }
        if keyPort != imagePort {
            return .portDiffers(keyPort: keyPort, imagePort: imagePort)
        }
        // strings.HasPrefix compares bytes; Swift's hasPrefix would compare characters.
        if !image.path.utf8.starts(with: key.path.utf8) {
            return .pathNotPrefix(keyPath: key.path, imagePath: image.path)
        }
        return .matched
    }

    /// `isDefaultRegistryMatch`: would this name pull from Docker Hub? Note that after
    /// normalisation this also holds for `localhost/…` and uppercase registries like `Foo/…`,
    /// whose first component has neither "." nor ":"; the kubelet lets the fallback serve them.
    static func isDefaultRegistryMatch(_ name: String) -> Bool {
        let parts = name.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty else { return false }
        if parts.count == 1 { return true }
        if first == "docker.io" || first == "index.docker.io" { return true }
        return !first.contains(".") && !first.contains(":")
    }
}

extension KubeletMatcher.Candidate: Sendable where Entry: Sendable {}
extension KubeletMatcher.Candidate: Equatable where Entry: Equatable {}
extension KubeletMatcher.Outcome: Sendable where Entry: Sendable {}
extension KubeletMatcher.Outcome: Equatable where Entry: Equatable {}
