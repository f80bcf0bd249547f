// The WWW-Authenticate parser reads what registries and proxies really send, and refuses the rest
// with an error that names the spot.
import TestPeers
import RegistryProbe
import Testing

@Suite("WWW-Authenticate parsing")
struct WWWAuthenticateParserTests {
    @Test("docker distribution's Bearer challenge")
    func distributionBearer() throws {
        let challenges = try AuthChallenge.parse(
            header: #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#)
        #expect(challenges == [
            AuthChallenge(scheme: "bearer", parameters: [
                "realm": "https://auth.docker.io/token", "service": "registry.docker.io", "scope": "repository:library/nginx:pull",
            ])
        ])
    }

    @Test("htpasswd Basic challenge")
    func basic() throws {
        #expect(try AuthChallenge.parse(header: #"Basic realm="regcred-test""#) == [AuthChallenge(scheme: "basic", parameters: ["realm": "regcred-test"])])
    }

    @Test(
        "well-formed variants read the same",
        arguments: [
            (#"Bearer realm="r",service="s""#, ["realm": "r", "service": "s"]),
            (#"BEARER Realm="r", SERVICE="s""#, ["realm": "r", "service": "s"]),
            (#"bearer   realm = "r" ,  service= s"#, ["realm": "r", "service": "s"]),
            ("Bearer realm=https://auth.example.com/token,service=reg", ["realm": "https://auth.example.com/token", "service": "reg"]),
            (#"Bearer realm="a\"b\\c",service="s""#, ["realm": #"a"b\c"#, "service": "s"]),
            (#"Bearer realm="a,b=c",service="""#, ["realm": "a,b=c", "service": ""]),
            (#"Bearer realm="r",,service="s","#, ["realm": "r", "service": "s"]),
            ("Bearer\trealm=\"r\"", ["realm": "r"]),
            (#"Bearer realm="r",realm="second""#, ["realm": "r"]),
            (#"Bearer realm="ünïcode""#, ["realm": "ünïcode"]),
        ] as [(String, [String: String])])
    func variants(header: String, parameters: [String: String]) throws {
        let challenges = try AuthChallenge.parse(header: header)
        #expect(challenges == [AuthChallenge(scheme: "bearer", parameters: parameters)])
    }

    @Test("several challenges in one header, in order")
    func severalInOneHeader() throws {
        let challenges = try AuthChallenge.parse(header: #"Negotiate, Basic realm="r", Bearer realm="t",service="s", NTLM abc123=="#)
        #expect(challenges.map(\.scheme) == ["negotiate", "basic", "bearer", "ntlm"])
        #expect(challenges[1].realm == "r")
        #expect(challenges[2][parameter: "SERVICE"] == "s")
        #expect(challenges[3].token68 == "abc123==")
        #expect(challenges[3].parameters.isEmpty)
    }

    @Test("challenges across several headers")
    func severalHeaders() throws {
        let challenges = try AuthChallenge.parse(headers: [#"Basic realm="a""#, "", #"Bearer realm="b""#])
        #expect(challenges.map(\.scheme) == ["basic", "bearer"])
        #expect(challenges.map(\.realm) == ["a", "b"])
    }

    @Test("a token68 challenge")
    func token68() throws {
        #expect(try AuthChallenge.parse(header: "Negotiate YIIBhwYGKwYBBQUC/+a~b.c_d-e==") == [
            AuthChallenge(scheme: "negotiate", token68: "YIIBhwYGKwYBBQUC/+a~b.c_d-e==")
        ])
    }

    @Test(
        "malformed headers throw an error naming the problem",
        arguments: [
            ("", WWWAuthenticateError.noChallenge),
            (" , ,", .noChallenge),
            (#""Bearer""#, .expectedScheme(offset: 0, found: #""Bearer""#)),
            (#"Bearer realm="r"#, .unterminatedQuotedString(parameter: "realm")),
            (#"Bearer realm="r\"#, .unterminatedQuotedString(parameter: "realm")),
            ("Bearer a=b, c=", .expectedValue(parameter: "c", offset: 14)),
            (#"Bearer realm "r""#, .expectedEquals(parameter: "realm", offset: 13)),
            (#"Bearer realm="r" service="s""#, .unexpectedText(offset: 17, found: #"service="s""#)),
            ("Bearer realm=\"r\"\u{1}", .controlCharacter(offset: 16)),
            (#"Bearer realm="r", a=b c"#, .unexpectedText(offset: 22, found: "c")),
        ] as [(String, WWWAuthenticateError)])
    func malformed(header: String, expected: WWWAuthenticateError) {
        #expect(throws: expected) { try AuthChallenge.parse(header: header) }
        #expect(!expected.description.isEmpty)
    }
}
