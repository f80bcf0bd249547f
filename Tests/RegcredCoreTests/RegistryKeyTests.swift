// Docker config keys are normalised into index keys exactly as BasicDockerKeyring.Add does it.
import Testing
import RegcredCore

@Suite struct RegistryKeyTests {
    @Test(arguments: [
        ("ghcr.io", "ghcr.io"),
        ("https://ghcr.io", "ghcr.io"),
        ("http://ghcr.io", "ghcr.io"),
        ("https://reg.example.com:5000", "reg.example.com:5000"),
        ("reg.example.com:5000", "reg.example.com:5000"),
    ])
    func schemeIsAddedWhenMissingThenDropped(key: String, indexKey: String) throws {
        #expect(try RegistryKey(parsing: key).indexKey == indexKey)
    }

    @Test(arguments: [
        // (key, path, indexKey)
        ("https://index.docker.io/v1/", "", "index.docker.io"),
        ("index.docker.io/v2/", "", "index.docker.io"),
        ("http://reg:5000/v2/team", "/team", "reg:5000/team"),
        ("reg.io/v1/team/app", "/team/app", "reg.io/team/app"),
        ("reg.io/v2", "/v2", "reg.io/v2"),  // no trailing "/": not the /v2/ prefix
        ("reg.io/v3/", "/v3/", "reg.io/v3/"),
        ("reg.io/team/v2/", "/team/v2/", "reg.io/team/v2/"),  // only a leading /v2/ is stripped
    ])
    func v1AndV2PrefixesAreStrippedFromThePath(key: String, path: String, indexKey: String) throws {
        let parsed = try RegistryKey(parsing: key)
        #expect(parsed.path == path)
        #expect(parsed.indexKey == indexKey)
    }

    @Test(arguments: [
        ("ghcr.io/", "ghcr.io"),
        ("https://ghcr.io/", "ghcr.io"),
        ("quay.io/coreos", "quay.io/coreos"),
        ("ghcr.io/org/", "ghcr.io/org/"),
    ])
    func indexKeyIsTheHostAloneOnlyWhenThePathIsEmptyOrSlash(key: String, indexKey: String) throws {
        #expect(try RegistryKey(parsing: key).indexKey == indexKey)
    }

    @Test(arguments: [
        // (key, hostname, port)
        ("ghcr.io", "ghcr.io", nil),
        ("reg:5000", "reg", "5000"),
        ("https://reg.example.com:443/v2/", "reg.example.com", "443"),
        ("[::1]:5000", "::1", "5000"),
        ("[::ffff:10.0.0.1]:443", "::ffff:10.0.0.1", "443"),
        ("[::1]", "[::1]", nil),  // SplitHostPort fails without a port: the whole host stays
        ("reg:", "reg", nil),  // Go accepts an empty port
    ] as [(String, String, String?)])
    func hostnameAndPortAreSplitLikeNetSplitHostPort(key: String, hostname: String, port: String?) throws {
        let parsed = try RegistryKey(parsing: key)
        #expect(parsed.hostname == hostname)
        #expect(parsed.port == port)
        #expect(parsed.original == key)
    }

    @Test(arguments: [
        ("user:secret@reg.io/team", "reg.io/team"),  // user information never reaches the index key
        ("reg.io/team?x=1", "reg.io/team"),  // query
        ("reg.io#fragment", "reg.io"),  // fragment
        ("reg?.example.com", "reg"),  // "?" starts the query even in the host, so it is no glob
        ("reg.io/team%2Dx", "reg.io/team-x"),  // the path is percent-decoded
    ])
    func onlyHostAndDecodedPathReachTheIndexKey(key: String, indexKey: String) throws {
        #expect(try RegistryKey(parsing: key).indexKey == indexKey)
    }

    @Test(arguments: ["*.example.com", "*-prod.example.com", "*.*.io"])
    func globKeysKeepTheirPatternInTheIndexKey(key: String) throws {
        let parsed = try RegistryKey(parsing: key)
        #expect(parsed.indexKey == key)
        #expect(parsed.hostname == key)
    }

    @Test(arguments: [
        ("[::1]:5000", true), ("[1:2:3:4:5:6:7:8]:5000", true), ("[fd00::a:1]:443", true),
        ("[::ffff:10.0.0.1]:443", true), ("[1:2:3:4:5:6:10.0.0.1]:443", true), ("[::]:1", true),
        ("[1::2::3]:1", false),  // two "::"
        ("[12345::1]:1", false),  // a group of five digits
        ("[1:2:3:4:5:6:7:8:9]:1", false),  // nine groups
        ("[1:2:3:4:5:6:7::8]:1", false),  // "::" must stand for at least one group
        ("[::10.0.0.01]:1", false),  // an IPv4 octet with a leading zero
        ("[10.0.0.1]:1", false),  // IPv4 is not allowed in brackets
        ("[::g]:1", false),
    ])
    func bracketsMustHoldAnIPv6Address(key: String, accepted: Bool) {
        let parsed = try? RegistryKey(parsing: key)
        #expect((parsed != nil) == accepted)
        if !accepted {
            #expect(throws: RegistryKeyError.invalidIPLiteral(key: key, host: key)) { try RegistryKey(parsing: key) }
        }
    }

    @Test(arguments: [
        ("", RegistryKeyError.empty),
        ("reg:abc", .invalidPort(key: "reg:abc", port: ":abc")),
        ("reg:5000x/team", .invalidPort(key: "reg:5000x/team", port: ":5000x")),
        ("my reg.io", .invalidHostCharacter(key: "my reg.io", character: " ")),
        ("reg{1}.io", .invalidHostCharacter(key: "reg{1}.io", character: "{")),
        ("reg%41.io", .invalidPercentEscape(key: "reg%41.io", escape: "%41")),  // ASCII may not be escaped in a host
        ("reg.io/%zz", .invalidPercentEscape(key: "reg.io/%zz", escape: "%zz")),
        ("reg.io/a%2", .invalidPercentEscape(key: "reg.io/a%2", escape: "%2")),
        ("[::1", .missingClosingBracket(key: "[::1")),
        // Go 1.24.8 / 1.25.2: "[" only opens an IPv6 literal, at the start of the host.
        ("reg[0-9].example.com", .invalidIPLiteral(key: "reg[0-9].example.com", host: "reg[0-9].example.com")),
        ("[1.2.3.4]:5000", .invalidIPLiteral(key: "[1.2.3.4]:5000", host: "[1.2.3.4]:5000")),
        ("[1:2]", .invalidIPLiteral(key: "[1:2]", host: "[1:2]")),
        ("reg:5000:6000", .invalidPort(key: "reg:5000:6000", port: ":5000:6000")),  // the port starts at the first ":"
        ("a b@reg.io", .invalidUserinfo(key: "a b@reg.io")),
        ("reg\u{01}.io", .controlCharacter(key: "reg\u{01}.io")),
        ("https://", .missingHost(key: "https://")),
        ("/team", .missingHost(key: "/team")),
        ("reg.io/a%25zz", .indexKeyUnparseable(key: "reg.io/a%25zz", indexKey: "reg.io/a%zz")),
    ])
    func rejectsKeysTheKubeletCannotUse(key: String, error: RegistryKeyError) {
        #expect(throws: error) { try RegistryKey(parsing: key) }
    }

    @Test func errorMessagesNameTheKeyAndTheFix() {
        #expect(
            RegistryKeyError.invalidPort(key: "reg:abc", port: ":abc").description
                == #"registry key "reg:abc" is invalid: ":abc" is not a port; a port is digits only, as in reg.example.com:5000; the kubelet never uses this entry"#)
        #expect(RegistryKeyError.invalidPort(key: "reg:abc", port: ":abc").reason.hasPrefix(#"":abc" is not a port"#))
        #expect(RegistryKeyError.empty.description.hasPrefix("registry key is empty"))
    }
}
