// The kubelet's credential lookup: which keys serve an image, in which order, and why the
// others do not (keyring.go Lookup, URLsMatch, isDefaultRegistryMatch).
import Testing
@testable import RegcredCore

@Suite struct KubeletMatcherTests {
    typealias Verdict = KubeletMatcher.Verdict

    /// Looks `image` up among `keys` (each entry is the key's position) and returns the
    /// matching keys in the kubelet's order.
    func matchingKeys(_ image: String, _ keys: [String]) throws -> [String] {
        let candidates = keys.map { KubeletMatcher.Candidate(key: $0, entry: $0) }
        return KubeletMatcher.lookup(try ImageReference(parsing: image), in: candidates).matches.map(\.entry)
    }

    /// The verdict for a single key against `image`.
    func verdict(_ key: String, _ image: String) throws -> Verdict {
        let outcome = KubeletMatcher.lookup(
            try ImageReference(parsing: image), in: [KubeletMatcher.Candidate(key: key, entry: ())])
        return try #require((outcome.matches + outcome.others).first).verdict
    }

    // MARK: URLsMatch

    @Test(arguments: [
        ("reg.io:443", "reg.io/app", Verdict.portDiffers(keyPort: "443", imagePort: "")),
        ("reg.io", "reg.io:443/app", .portDiffers(keyPort: "", imagePort: "443")),
        ("reg.io:5000", "reg.io:5001/app", .portDiffers(keyPort: "5000", imagePort: "5001")),
        ("reg.io:5000", "reg.io:5000/app", .matched),
        ("http://localhost:5000/v2/", "localhost:5000/a", .matched),
    ])
    func portsMustBeEqualAsStrings(key: String, image: String, expected: Verdict) throws {
        #expect(try verdict(key, image) == expected)
    }

    @Test(arguments: [
        ("*.example.com", "example.com/app", Verdict.labelCountDiffers(keyLabels: 3, imageLabels: 2)),
        ("*.example.com", "a.b.example.com/app", .labelCountDiffers(keyLabels: 3, imageLabels: 4)),
        ("example.com", "a.example.com/app", .labelCountDiffers(keyLabels: 2, imageLabels: 3)),
        ("*.example.com", "a.example.com/app", .matched),
    ])
    func hostsMustHaveTheSameNumberOfLabels(key: String, image: String, expected: Verdict) throws {
        #expect(try verdict(key, image) == expected)
    }

    @Test(arguments: [
        ("*.example.com", "eu.example.com/app", Verdict.matched),
        ("*.example.com", "eu.example.org/app", .labelDiffers(keyLabel: "com", imageLabel: "org")),
        ("*-prod.example.com", "eu-prod.example.com/app", .matched),
        ("*-prod.example.com", "eu-dev.example.com/app", .labelDiffers(keyLabel: "*-prod", imageLabel: "eu-dev")),
        ("reg*.example.com", "reg.example.com/app", .matched),  // "*" may match nothing
        ("*.*.io", "a.b.io/app", .matched),
        ("Ghcr.io", "ghcr.io/app", .labelDiffers(keyLabel: "Ghcr", imageLabel: "ghcr")),  // case-sensitive
    ])
    func eachHostLabelMatchesAsAGlob(key: String, image: String, expected: Verdict) throws {
        #expect(try verdict(key, image) == expected)
    }

    @Test(arguments: [
        // Go 1.24.8 / 1.25.2 (CVE-2025-47912): "[" may only open an IPv6 literal.
        ("reg[0-9].example.com", RegistryKeyError.invalidIPLiteral(key: "", host: "reg[0-9].example.com").reason),
        ("reg[.example.com", RegistryKeyError.invalidIPLiteral(key: "", host: "reg[.example.com").reason),
        ("reg[^0-9].example.com", RegistryKeyError.invalidIPLiteral(key: "", host: "reg[^0-9].example.com").reason),
        // "^" and a backslash are not host characters for Go's URL parser.
        ("reg^.example.com", RegistryKeyError.invalidHostCharacter(key: "", character: "^").reason),
        ("reg\\*.example.com", RegistryKeyError.invalidHostCharacter(key: "", character: "\\").reason),
    ])
    func globClassesAndEscapesCannotAppearInAKey(key: String, reason: String) throws {
        #expect(try verdict(key, "reg1.example.com/app") == .invalidKey(reason))
    }

    @Test func questionMarkInAKeyStartsAURLQueryAndNeverGlobs() throws {
        #expect(try verdict("reg?.example.com", "reg1.example.com/app") == .labelCountDiffers(keyLabels: 1, imageLabels: 3))
    }

    @Test func ipv6KeyMatchesOnlyWithAPort() throws {
        #expect(try verdict("[::1]:5000", "[::1]:5000/app") == .matched)
        // Without a port SplitHostPort fails, the label stays "[::1]", and as a glob that is a
        // one-character class.
        #expect(try verdict("[::1]", "[::1]/app") == .labelDiffers(keyLabel: "[::1]", imageLabel: "[::1]"))
    }

    @Test func anImageRegistryGoCannotParseMatchesNoKey() throws {
        // The reference grammar admits "[1:2]"; Go's URL parser wants a real IPv6 address.
        let candidates = ["*", "index.docker.io", "reg:abc"].map { KubeletMatcher.Candidate(key: $0, entry: $0) }
        let result = KubeletMatcher.lookup(try ImageReference(parsing: "[1:2]/app"), in: candidates)
        #expect(result.matches.isEmpty)
        #expect(
            result.others.map(\.verdict) == [
                .imageRegistryUnparseable(registry: "[1:2]"), .imageRegistryUnparseable(registry: "[1:2]"),
                .invalidKey(RegistryKeyError.invalidPort(key: "", port: ":abc").reason),
            ])
    }

    @Test(arguments: [
        // (pattern, text, result; nil when Go's filepath.Match reports ErrBadPattern)
        ("*", "anything", true), ("*", "", true), ("a*", "a", true),
        ("a*c", "abbbc", true), ("a*c", "abbb", false), ("*a*b", "xaxxb", true),
        ("?", "a", true), ("?", "", false), ("?", "ab", false), ("a?c", "abc", true),
        ("[a-c]", "b", true), ("[a-c]", "d", false), ("[^a-c]", "d", true), ("[^a-c]", "b", false),
        ("[abc]", "c", true), ("[z-a]", "m", false), ("[\\]]", "]", true),
        ("\\*", "*", true), ("\\*", "a", false), ("A", "a", false),
        ("[", "a", nil), ("[a", "a", nil), ("[a-", "a", nil), ("[a-]", "a", nil), ("[]", "a", nil),
        ("[]a]", "a", nil), ("\\", "a", nil), ("a[", "b", nil), ("*[", "x", nil),
    ] as [(String, String, Bool?)])
    func labelGlobsFollowGoFilepathMatch(pattern: String, text: String, expected: Bool?) {
        #expect(KubeletMatcher.LabelPattern(pattern)?.matches(text) == expected)
    }

    @Test(arguments: [
        ("ghcr.io/team", "ghcr.io/team/app", Verdict.matched),
        ("ghcr.io/team", "ghcr.io/teamfoo/app", .matched),  // a plain string prefix, as in the kubelet
        ("ghcr.io/team", "ghcr.io/other/app", .pathNotPrefix(keyPath: "/team", imagePath: "/other/app")),
        ("ghcr.io/team/", "ghcr.io/team", .pathNotPrefix(keyPath: "/team/", imagePath: "/team")),
        ("http://reg:5000/v2/team", "reg:5000/team/app", .matched),
        ("quay.io/coreos", "quay.io/coreos/etcd", .matched),
    ])
    func keyPathMustBeAStringPrefixOfTheImagePath(key: String, image: String, expected: Verdict) throws {
        #expect(try verdict(key, image) == expected)
    }

    @Test(arguments: [
        ("ghcr.io:443", "quay.io/app", Verdict.labelDiffers(keyLabel: "ghcr", imageLabel: "quay")),
        ("other.io/team", "ghcr.io/app", .labelDiffers(keyLabel: "other", imageLabel: "ghcr")),
    ])
    func aDifferentHostIsReportedBeforePortAndPath(key: String, image: String, expected: Verdict) throws {
        #expect(try verdict(key, image) == expected)
    }


    // MARK: Lookup order

    @Test func everyMatchingKeyIsReturnedMostSpecificFirst() throws {
        let keys = ["*.io", "quay.io", "quay.io/coreos/etcd", "quay.io/coreos"]
        #expect(
            try matchingKeys("quay.io/coreos/etcd", keys)
                == ["quay.io/coreos/etcd", "quay.io/coreos", "quay.io", "*.io"])
    }

    @Test func indexKeysAreSortedInReverseByteOrder() throws {
        // "b" > "a" > "*" (0x62 > 0x61 > 0x2A), whatever their order in the config.
        #expect(try matchingKeys("a.io/x", ["*.io", "a.io/x", "a.io"]) == ["a.io/x", "a.io", "*.io"])
        #expect(try matchingKeys("ghcr.io/team/b", ["ghcr.io/team/a", "ghcr.io/team/"]) == ["ghcr.io/team/"])
    }

    @Test func entriesSharingAnIndexKeyKeepTheirInsertionOrder() throws {
        let candidates = [
            KubeletMatcher.Candidate(key: "ghcr.io", entry: 1),
            KubeletMatcher.Candidate(key: "https://ghcr.io/v2/", entry: 2),
            KubeletMatcher.Candidate(key: "ghcr.io/org", entry: 3),
            KubeletMatcher.Candidate(key: "http://ghcr.io", entry: 4),
        ]
        let result = KubeletMatcher.lookup(try ImageReference(parsing: "ghcr.io/org/app"), in: candidates)
        #expect(result.matches.map(\.entry) == [3, 1, 2, 4])
        #expect(result.matches.map(\.indexKey) == ["ghcr.io/org", "ghcr.io", "ghcr.io", "ghcr.io"])
        #expect(result.others.isEmpty)
    }

    @Test func othersKeepTheCandidatesOrderAndNothingIsLost() throws {
        let keys = ["quay.io", "ghcr.io/org", "reg:abc", "ghcr.io/other", "docker.io"]
        let candidates = keys.enumerated().map { KubeletMatcher.Candidate(key: $0.element, entry: $0.offset) }
        let result = KubeletMatcher.lookup(try ImageReference(parsing: "ghcr.io/org/app"), in: candidates)
        #expect(result.matches.map(\.entry) == [1])
        #expect(result.others.map(\.entry) == [0, 2, 3, 4])
        #expect(result.others.allSatisfy { !$0.isMatch })
        #expect(result.matches.allSatisfy { $0.isMatch })
    }

    // MARK: Docker Hub fallback

    @Test(arguments: ["https://index.docker.io/v1/", "index.docker.io", "index.docker.io/v2/", "http://index.docker.io"])
    func indexDockerIoKeysServeDockerHubImagesAsTheFallback(key: String) throws {
        for image in ["nginx", "library/nginx", "bitnami/redis", "docker.io/bitnami/redis", "index.docker.io/org/app"] {
            #expect(try matchingKeys(image, [key]) == [key], "image \(image)")
            #expect(try verdict(key, image) == .matchedAsDockerHubFallback, "image \(image)")
        }
    }

    @Test func dockerIoKeyMatchesDockerHubImagesDirectly() throws {
        #expect(try verdict("docker.io", "nginx") == .matched)
        #expect(try verdict("https://docker.io/v1/", "bitnami/redis") == .matched)
    }

    @Test func fallbackIsUsedOnlyWhenNoKeyMatched() throws {
        let candidates = [
            KubeletMatcher.Candidate(key: "https://index.docker.io/v1/", entry: "hub-legacy"),
            KubeletMatcher.Candidate(key: "docker.io", entry: "hub"),
        ]
        let result = KubeletMatcher.lookup(try ImageReference(parsing: "nginx"), in: candidates)
        #expect(result.matches.map(\.entry) == ["hub"])
        #expect(result.others.map(\.verdict) == [.labelCountDiffers(keyLabels: 3, imageLabels: 2)])
    }

    @Test func fallbackReturnsEveryIndexDockerIoEntryInInsertionOrder() throws {
        let keys = ["index.docker.io", "ghcr.io", "https://index.docker.io/v1/", "index.docker.io/v1/org"]
        #expect(try matchingKeys("nginx", keys) == ["index.docker.io", "https://index.docker.io/v1/"])
    }

    @Test func registry1DockerIoNeverMatchesDockerHubImages() throws {
        #expect(try verdict("registry-1.docker.io", "nginx") == .labelCountDiffers(keyLabels: 3, imageLabels: 2))
        #expect(try verdict("https://registry-1.docker.io/v2/", "docker.io/org/app") == .labelCountDiffers(keyLabels: 3, imageLabels: 2))
        #expect(try matchingKeys("nginx", ["registry-1.docker.io"]).isEmpty)
        #expect(try matchingKeys("nginx", ["registry-1.docker.io", "index.docker.io"]) == ["index.docker.io"])
    }

    @Test(arguments: [
        ("ghcr.io/app", Verdict.labelCountDiffers(keyLabels: 3, imageLabels: 2)),
        ("localhost:5000/app", .labelCountDiffers(keyLabels: 3, imageLabels: 1)),
        ("a.b.c/app", .labelDiffers(keyLabel: "index", imageLabel: "a")),
    ])
    func fallbackDoesNotServeOtherRegistries(image: String, expected: Verdict) throws {
        #expect(try verdict("index.docker.io", image) == expected)
    }

    @Test(arguments: ["localhost/app", "Foo/bar"])
    func fallbackAlsoServesRegistriesWithoutDotOrColon(image: String) throws {
        // isDefaultRegistryMatch only looks for "." or ":" in the first component.
        #expect(try verdict("index.docker.io", image) == .matchedAsDockerHubFallback)
    }

    @Test(arguments: [
        ("docker.io/library/nginx", true), ("index.docker.io/a/b", true), ("nginx", true),
        ("localhost/a", true), ("ghcr.io/a", false), ("localhost:5000/a", false), ("/a", false), ("", false),
    ])
    func isDefaultRegistryMatchLooksForDotOrColonInTheFirstComponent(name: String, expected: Bool) {
        #expect(KubeletMatcher.isDefaultRegistryMatch(name) == expected)
    }

    // MARK: Invalid keys and descriptions

    @Test func invalidKeysAreReportedAndNeverMatch() throws {
        let candidates = [
            KubeletMatcher.Candidate(key: "reg:abc", entry: 0),
            KubeletMatcher.Candidate(key: "", entry: 1),
            KubeletMatcher.Candidate(key: "ghcr.io", entry: 2),
        ]
        let result = KubeletMatcher.lookup(try ImageReference(parsing: "ghcr.io/app"), in: candidates)
        #expect(result.matches.map(\.entry) == [2])
        #expect(result.others.map(\.indexKey) == [nil, nil])
        #expect(
            result.others.map(\.verdict) == [
                .invalidKey(RegistryKeyError.invalidPort(key: "reg:abc", port: ":abc").reason),
                .invalidKey(RegistryKeyError.empty.reason),
            ])
    }

    @Test(arguments: [
        (Verdict.portDiffers(keyPort: "443", imagePort: ""), "port differs: key has 443, image has none"),
        (.portDiffers(keyPort: "", imagePort: "5000"), "port differs: key has none, image has 5000"),
        (.labelCountDiffers(keyLabels: 3, imageLabels: 2), "host has 3 labels, image has 2"),
        (.labelCountDiffers(keyLabels: 1, imageLabels: 3), "host has 1 label, image has 3"),
        (.labelDiffers(keyLabel: "ghcr", imageLabel: "quay"), #"label "ghcr" does not match "quay""#),
        (.imageRegistryUnparseable(registry: "[1:2]"),
         #"the kubelet cannot parse the image's registry "[1:2]" as a URL host, so no key matches"#),
        (.pathNotPrefix(keyPath: "/team", imagePath: "/other/app"), "path /team is not a prefix of /other/app"),
        (.invalidKey("it has no host"), "ignored by the kubelet: it has no host"),
        (.matched, "matches"),
        (.matchedAsDockerHubFallback,
         "matches as the Docker Hub fallback (index.docker.io serves Docker Hub images no other key matched)"),
    ])
    func verdictDescriptionsReadAsATableCell(verdict: Verdict, text: String) {
        #expect(verdict.description == text)
    }
}
