// Image references are normalised exactly as the kubelet's ParseNormalizedNamed does it.
import Testing
import RegcredCore

@Suite struct ImageReferenceTests {
    static let sha256 = "sha256:" + String(repeating: "ab", count: 32)

    @Test(arguments: [
        // (reference, registry, repository)
        ("ghcr.io/org/app", "ghcr.io", "org/app"),  // contains "."
        ("reg:5000/app", "reg:5000", "app"),  // contains ":"
        ("localhost:5000/a", "localhost:5000", "a"),
        ("localhost/a", "localhost", "a"),  // "localhost" is always a registry
        ("Foo/bar", "Foo", "bar"),  // an uppercase first component is a registry
        ("[::1]:5000/app", "[::1]:5000", "app"),
        ("org/app", "docker.io", "org/app"),  // none of the above: a Docker Hub namespace
        ("a/b/c", "docker.io", "a/b/c"),
    ])
    func firstComponentIsTheRegistryOnlyWhenItLooksLikeAHost(reference: String, registry: String, repository: String) throws {
        let parsed = try ImageReference(parsing: reference)
        #expect(parsed.registry == registry)
        #expect(parsed.repository == repository)
    }

    @Test(arguments: [
        ("nginx", "docker.io/library/nginx"),
        ("library/nginx", "docker.io/library/nginx"),
        ("docker.io/nginx", "docker.io/library/nginx"),
        ("docker.io/library/nginx", "docker.io/library/nginx"),
        ("bitnami/redis", "docker.io/bitnami/redis"),
        ("quay.io/app", "quay.io/app"),  // only Docker Hub gets library/
        ("localhost/app", "localhost/app"),
    ])
    func dockerHubSingleComponentRepositoriesGetLibraryPrefix(reference: String, normalizedName: String) throws {
        #expect(try ImageReference(parsing: reference).normalizedName == normalizedName)
    }

    @Test(arguments: [
        ("index.docker.io/nginx", "docker.io/library/nginx"),
        ("index.docker.io/org/app", "docker.io/org/app"),
    ])
    func indexDockerIoIsRewrittenToDockerIo(reference: String, normalizedName: String) throws {
        let parsed = try ImageReference(parsing: reference)
        #expect(parsed.registry == "docker.io")
        #expect(parsed.normalizedName == normalizedName)
    }

    @Test(arguments: [
        // (reference, normalizedName, tag, digest)
        ("nginx", "docker.io/library/nginx", nil, nil),
        ("nginx:1.27", "docker.io/library/nginx", "1.27", nil),
        ("ghcr.io/org/app:Latest_1-rc.2", "ghcr.io/org/app", "Latest_1-rc.2", nil),
        ("localhost:5000/a:v1", "localhost:5000/a", "v1", nil),
        ("localhost:5000/a", "localhost:5000/a", nil, nil),
        ("nginx@\(sha256)", "docker.io/library/nginx", nil, sha256),
        ("reg:5000/a/b@\(sha256)", "reg:5000/a/b", nil, sha256),
        ("nginx:1.27@\(sha256)", "docker.io/library/nginx", "1.27", sha256),
    ] as [(String, String, String?, String?)])
    func tagAndDigestAreParsedOffAndKeptOutOfTheName(
        reference: String, normalizedName: String, tag: String?, digest: String?
    ) throws {
        let parsed = try ImageReference(parsing: reference)
        #expect(parsed.normalizedName == normalizedName)
        #expect(parsed.tag == tag)
        #expect(parsed.digest == digest)
        #expect(parsed.original == reference)
    }

    @Test func descriptionIsTheFullyQualifiedReference() throws {
        #expect(try ImageReference(parsing: "nginx:1.27").description == "docker.io/library/nginx:1.27")
        #expect(try ImageReference(parsing: "nginx").description == "docker.io/library/nginx")
        #expect(
            try ImageReference(parsing: "ghcr.io/a:1@\(Self.sha256)").description == "ghcr.io/a:1@\(Self.sha256)")
    }

    static let longTag = String(repeating: "t", count: 129)
    static let uppercaseHex = "sha256:" + String(repeating: "AB", count: 32)
    static let md5 = "md5:" + String(repeating: "a", count: 32)
    static let imageID = String(repeating: "a", count: 64)
    static let longPath = String(repeating: "a", count: 256)

    static let rejected: [(String, ImageReferenceError)] = [
        ("", .empty),
        (" nginx", .containsWhitespace(reference: " nginx")),
        ("nginx latest", .containsWhitespace(reference: "nginx latest")),
        ("nginx\n", .containsWhitespace(reference: "nginx\n")),
        ("Foo/Bar", .uppercaseRepository(reference: "Foo/Bar", repository: "Bar")),
        ("NGINX", .uppercaseRepository(reference: "NGINX", repository: "library/NGINX")),
        ("ghcr.io/Org/app:v1", .uppercaseRepository(reference: "ghcr.io/Org/app:v1", repository: "Org/app")),
        ("ghcr.io//app", .emptyPathComponent(reference: "ghcr.io//app")),
        ("ghcr.io/app/", .emptyPathComponent(reference: "ghcr.io/app/")),
        ("ghcr.io/", .emptyPathComponent(reference: "ghcr.io/")),
        ("/app", .emptyPathComponent(reference: "/app")),
        ("ghcr.io/a..b", .invalidPathComponent(reference: "ghcr.io/a..b", component: "a..b")),
        ("ghcr.io/a+b", .invalidPathComponent(reference: "ghcr.io/a+b", component: "a+b")),
        ("-reg.io/app", .invalidDomain(reference: "-reg.io/app", domain: "-reg.io")),
        ("reg:abc/app", .invalidDomain(reference: "reg:abc/app", domain: "reg:abc")),
        ("nginx:", .invalidTag(reference: "nginx:", tag: "")),
        ("nginx:-rc", .invalidTag(reference: "nginx:-rc", tag: "-rc")),
        ("nginx:" + longTag, .invalidTag(reference: "nginx:" + longTag, tag: longTag)),
        ("nginx@sha256:abc", .invalidDigest(reference: "nginx@sha256:abc", digest: "sha256:abc")),
        ("nginx@", .invalidDigest(reference: "nginx@", digest: "")),
        ("nginx@" + uppercaseHex, .invalidDigest(reference: "nginx@" + uppercaseHex, digest: uppercaseHex)),
        ("nginx@" + md5, .unsupportedDigestAlgorithm(reference: "nginx@" + md5, algorithm: "md5")),
        (imageID, .hexIdentifier(reference: imageID)),
        ("ghcr.io/" + longPath, .nameTooLong(reference: "ghcr.io/" + longPath, length: 256)),
    ]

    @Test(arguments: rejected)
    func rejectsWhatTheKubeletRejects(reference: String, error: ImageReferenceError) {
        #expect(throws: error) { try ImageReference(parsing: reference) }
    }

    @Test func pathLengthLimitExcludesTheRegistry() throws {
        let longest = "registry.example.com/" + String(repeating: "a", count: 255)
        #expect(try ImageReference(parsing: longest).repository.count == 255)
    }

    @Test func errorMessagesNameTheReferenceAndTheFix() {
        #expect(
            ImageReferenceError.uppercaseRepository(reference: "Foo/Bar", repository: "Bar").description
                == #"image reference "Foo/Bar" is invalid: repository name must be lowercase ("Bar"); try "bar""#)
        #expect(
            ImageReferenceError.emptyPathComponent(reference: "ghcr.io//app").description
                == #"image reference "ghcr.io//app" is invalid: it has an empty path component; remove the leading, trailing or doubled "/""#)
        #expect(ImageReferenceError.empty.description.hasPrefix("image reference is empty"))
    }
}
