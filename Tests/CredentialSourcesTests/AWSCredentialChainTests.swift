import AsyncHTTPClient
import Foundation
import Synchronization
import Testing

@testable import CredentialSources
@testable import RegcredCore

/// One stand-in for every networked link: STS (AssumeRoleWithWebIdentity), the container credentials endpoint
/// (checks the Authorization header) and IMDSv2 (checks the session token). Each answers its own access key id.
enum ChainPeer {
    static let containerToken = "container-auth-token"
    static let imdsToken = "imds-session-token"

    static func credentialsJSON(_ id: String) -> String {
        #"{"AccessKeyId":"\#(id)","SecretAccessKey":"secret-\#(id)","Token":"token-\#(id)","Expiration":"2030-01-01T00:00:00Z"}"#
    }

    static func handle(_ request: StandInRequest) -> (Int, String) {
        switch (request.method, request.path) {
        case ("POST", let path) where path.hasPrefix("/sts"):
            guard request.header("authorization") == nil else { return (400, "AssumeRoleWithWebIdentity is unsigned") }
            return (200, """
                <AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
                <AccessKeyId>ASIAWEBIDENTITY</AccessKeyId><SecretAccessKey>web-secret</SecretAccessKey>\
                <SessionToken>web-session</SessionToken><Expiration>2030-01-01T00:00:00.123Z</Expiration>\
                </Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>
                """)
        case ("GET", "/container"):
            guard request.header("authorization") == containerToken else { return (401, #"{"code":"AccessDenied","message":"bad token"}"#) }
            return (200, credentialsJSON("ASIACONTAINER"))
        case ("PUT", "/latest/api/token"):
            guard request.header("x-aws-ec2-metadata-token-ttl-seconds") != nil else { return (400, "") }
            return (200, imdsToken)
        case ("GET", let path) where path.hasPrefix("/latest/meta-data/iam/security-credentials/"):
            guard request.header("x-aws-ec2-metadata-token") == imdsToken else { return (401, "") }
            let role = path.dropFirst("/latest/meta-data/iam/security-credentials/".count)
            return role.isEmpty ? (200, "node-role\n") : (role == "node-role" ? (200, credentialsJSON("ASIAIMDS")) : (404, ""))
        default:
            return (404, "")
        }
    }
}

@Suite("The AWS credential chain")
struct AWSCredentialChainTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var environment: [String: String]
        var files: [String: String]
        /// The access key id of the link that must answer.
        var expected: String
        var testDescription: String { name }
    }

    static let envKeys = ["AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT", "AWS_SECRET_ACCESS_KEY": "env-secret"]
    static let webIdentity = ["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/irsa"]
    static let container = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{peer}/container", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/pod-identity"]
    static let sharedFiles = [
        "/home/u/.aws/credentials": "[default]\naws_access_key_id = AKIASHAREDDEFAULT\naws_secret_access_key = shared-secret\n\n[dev]\naws_access_key_id=AKIACREDSDEV\naws_secret_access_key=dev-secret\n",
        "/home/u/.aws/config": "[default]\nregion = eu-west-1\n[profile dev]\naws_access_key_id = AKIACONFIGDEV\naws_secret_access_key = config-dev\n[profile ops]\naws_access_key_id = AKIACONFIGOPS\naws_secret_access_key = ops-secret\n[sso-session ops]\nsso_region = us-east-1\n",
        "/var/run/token": "eyJhbGciOiJSUzI1NiJ9.web-identity.token\n",
        "/var/run/pod-identity": "\(ChainPeer.containerToken)\n",
    ]

    static let rows: [Row] = [
        Row(name: "environment wins over every other link", environment: envKeys.merging(webIdentity) { a, _ in a }.merging(container) { a, _ in a },
            files: sharedFiles, expected: "AKIAENVIRONMENT"),
        Row(name: "web identity (IRSA) before container credentials and files", environment: webIdentity.merging(container) { a, _ in a },
            files: sharedFiles, expected: "ASIAWEBIDENTITY"),
        Row(name: "container credentials (Pod Identity) before files", environment: container, files: sharedFiles, expected: "ASIACONTAINER"),
        Row(name: "container credentials with the token in AWS_CONTAINER_AUTHORIZATION_TOKEN",
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{peer}/container", "AWS_CONTAINER_AUTHORIZATION_TOKEN": ChainPeer.containerToken],
            files: [:], expected: "ASIACONTAINER"),
        Row(name: "the default profile of the shared credentials file", environment: [:], files: sharedFiles, expected: "AKIASHAREDDEFAULT"),
        Row(name: "AWS_PROFILE: the credentials file wins over the config file", environment: ["AWS_PROFILE": "dev"], files: sharedFiles,
            expected: "AKIACREDSDEV"),
        Row(name: "AWS_PROFILE found only as [profile ops] in the config file", environment: ["AWS_PROFILE": "ops"], files: sharedFiles,
            expected: "AKIACONFIGOPS"),
        Row(name: "AWS_SHARED_CREDENTIALS_FILE moves the credentials file",
            environment: ["AWS_SHARED_CREDENTIALS_FILE": "/etc/aws-creds"],
            files: ["/etc/aws-creds": "[default]\naws_access_key_id = AKIAMOVED\naws_secret_access_key = moved\n"], expected: "AKIAMOVED"),
        Row(name: "IMDSv2 when nothing else is configured", environment: [:], files: [:], expected: "ASIAIMDS"),
    ]

    static func context(_ environment: [String: String], files: [String: String], peer: String) -> SourceContext {
        var env = environment.mapValues { $0.replacingOccurrences(of: "{peer}", with: peer) }
        env["HOME"] = "/home/u"
        env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? peer
        return SourceContext(
            http: HTTPClient.shared, environment: env,
            readFile: { path in
                guard let text = files[path] else { throw CocoaError(.fileNoSuchFile) }
                return Data(text.utf8)
            }, timeout: .seconds(10))
    }

    static func chain(_ context: SourceContext, peer: String) -> AWSCredentialChain {
        AWSCredentialChain(context: context, sts: STSClient(endpoint: peer + "/sts", region: "us-east-1", context: context))
    }

    @Test("the first configured link answers, in the SDKs' order", arguments: rows)
    func precedence(row: Row) async throws {
        try await ProviderStandIn.serving({ StandInReply(ChainPeer.handle($0)) }) { peer in
            let context = Self.context(row.environment, files: row.files, peer: peer.baseURL)
            let (credentials, _) = try await Self.chain(context, peer: peer.baseURL).resolve()
            #expect(credentials.accessKeyId == row.expected)
        }
    }

    @Test("temporary credentials carry their session token and expiry")
    func temporaryCredentials() async throws {
        try await ProviderStandIn.serving({ StandInReply(ChainPeer.handle($0)) }) { peer in
            let context = Self.context(Self.webIdentity, files: Self.sharedFiles, peer: peer.baseURL)
            let (credentials, link) = try await Self.chain(context, peer: peer.baseURL).resolve()
            #expect(link == .webIdentity)
            #expect(credentials.sessionToken?.value == "web-session")
            #expect(credentials.expiration == RFC3339.parse("2030-01-01T00:00:00Z"))
        }
    }

    @Test("shared files are read from disk at the paths the environment names")
    func realFiles() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config")
        try Data("[profile team]\naws_access_key_id = AKIAFROMDISK\naws_secret_access_key = disk\naws_session_token = disk-token\n".utf8).write(to: config)
        let context = SourceContext(
            http: HTTPClient.shared,
            environment: ["HOME": directory.path, "AWS_CONFIG_FILE": config.path, "AWS_PROFILE": "team", "AWS_EC2_METADATA_DISABLED": "true"])
        let (credentials, link) = try await Self.chain(context, peer: "http://127.0.0.1:9").resolve()
        #expect(link == .sharedFiles && credentials.accessKeyId == "AKIAFROMDISK" && credentials.sessionToken?.value == "disk-token")
    }

    struct Failure: Sendable, CustomTestStringConvertible {
        var name: String
        var environment: [String: String]
        var kind: CredentialSourceError.Kind
        var mentions: [String]
        var testDescription: String { name }
    }

    static let failures: [Failure] = [
        Failure(name: "nothing configured and IMDS disabled: says what to set", environment: ["AWS_EC2_METADATA_DISABLED": "true"],
                kind: .misconfigured, mentions: ["no AWS credentials found", "AWS_ACCESS_KEY_ID", "IRSA", "AWS_EC2_METADATA_DISABLED"]),
        Failure(name: "nothing configured and IMDS unreachable", environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9"],
                kind: .misconfigured, mentions: ["no AWS credentials found", "cannot reach"]),
        Failure(name: "only half of the environment keys", environment: ["AWS_ACCESS_KEY_ID": "AKIAHALF"], kind: .misconfigured,
                mentions: ["environment", "AWS_SECRET_ACCESS_KEY"]),
        Failure(name: "web identity without a role", environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token"], kind: .misconfigured,
                mentions: ["web identity", "AWS_ROLE_ARN"]),
        Failure(name: "web identity with an unreadable token file",
                environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/nope", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"], kind: .misconfigured,
                mentions: ["web identity", "/nope"]),
        Failure(name: "container credentials with the wrong authorization token",
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{peer}/container", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong-token"],
                kind: .rejected, mentions: ["container credentials", "401"]),
        Failure(name: "container credentials at a plain-http host that is not local",
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://credentials.example.com/creds"], kind: .misconfigured,
                mentions: ["AWS_CONTAINER_CREDENTIALS_FULL_URI", "https"]),
        Failure(name: "AWS_PROFILE names a profile that does not exist", environment: ["AWS_PROFILE": "nope"], kind: .misconfigured,
                mentions: ["AWS_PROFILE", "nope"]),
    ]

    @Test("a configured link that fails stops the chain and says which link and what to set", arguments: failures)
    func failure(row: Failure) async throws {
        try await ProviderStandIn.serving({ StandInReply(ChainPeer.handle($0)) }) { peer in
            // Token files only: no shared credentials to fall back to.
            let context = Self.context(row.environment, files: Self.sharedFiles.filter { $0.key.hasPrefix("/var/run/") }, peer: peer.baseURL)
            do throws(CredentialSourceError) {
                let (credentials, link) = try await Self.chain(context, peer: peer.baseURL).resolve()
                Issue.record("expected a failure, got \(credentials.accessKeyId) from \(link)")
            } catch {
                #expect(error.kind == row.kind, "\(error)")
                for word in row.mentions { #expect(error.description.contains(word), "\(error) should mention \(word)") }
                for secret in ["wrong-token", ChainPeer.containerToken, "shared-secret", "eyJhbGciOiJSUzI1NiJ9"] {
                    #expect(!error.description.contains(secret))
                }
            }
        }
    }

    @Test("the container endpoint rule: https, loopback or the ECS/EKS link-local addresses")
    func containerHosts() {
        for allowed in ["https://creds.example.com/x", "http://127.0.0.1:8080/x", "http://localhost/x", "http://169.254.170.23/v1/credentials",
                        "http://[fd00:ec2::23]/v1/credentials", "http://[::1]:80/"] {
            #expect(AWSCredentialChain.isAllowedContainerEndpoint(allowed), "\(allowed)")
        }
        for refused in ["http://10.0.0.1/x", "http://example.com/x", "ftp://127.0.0.1/x"] {
            #expect(!AWSCredentialChain.isAllowedContainerEndpoint(refused), "\(refused)")
        }
    }
}

@Suite("AWS shared config, endpoints and error answers")
struct AWSProtocolTests {
    @Test("config files: [profile x] in config, [x] in credentials, comments and nested settings skipped")
    func sharedConfig() {
        let config = AWSSharedConfig(parsing: """
            # comment
            [default]
            region = us-east-1
            [profile a]
            aws_access_key_id = AKIAA
            s3 =
              max_concurrent_requests = 10
            [sso-session corp]
            sso_start_url = https://x
            [b]
            aws_access_key_id = ignored
            """, isConfigFile: true)
        #expect(Set(config.profiles.keys) == ["default", "a"])
        #expect(config.profiles["a"] == ["aws_access_key_id": "AKIAA", "s3": ""])
        let credentials = AWSSharedConfig(parsing: "[b]\naws_access_key_id=AKIAB\n; comment\naws_secret_access_key = s=b\n", isConfigFile: false)
        #expect(credentials.profiles["b"]?["aws_secret_access_key"] == "s=b")
    }

    struct EndpointCase: Sendable {
        var service: AWSService
        var region: String
        var override: String?
        var environment: [String: String]
        var expected: String
    }

    static let endpointCases: [EndpointCase] = [
        EndpointCase(service: .ecr, region: "eu-west-1", override: nil, environment: [:], expected: "https://api.ecr.eu-west-1.amazonaws.com"),
        EndpointCase(service: .ecr, region: "cn-north-1", override: nil, environment: [:], expected: "https://api.ecr.cn-north-1.amazonaws.com.cn"),
        EndpointCase(service: .sts, region: "cn-northwest-1", override: nil, environment: [:], expected: "https://sts.cn-northwest-1.amazonaws.com.cn"),
        EndpointCase(service: .sts, region: "us-gov-west-1", override: nil, environment: [:], expected: "https://sts.us-gov-west-1.amazonaws.com"),
        EndpointCase(service: .ecrPublic, region: "us-east-1", override: nil, environment: [:], expected: "https://api.ecr-public.us-east-1.amazonaws.com"),
        EndpointCase(service: .ecr, region: "us-iso-east-1", override: nil, environment: [:], expected: "https://api.ecr.us-iso-east-1.c2s.ic.gov"),
        EndpointCase(service: .ecr, region: "eu-west-1", override: "http://spec:1/",
                     environment: ["AWS_ENDPOINT_URL_ECR": "http://ecr:2", "AWS_ENDPOINT_URL": "http://all:3"], expected: "http://spec:1"),
        EndpointCase(service: .ecr, region: "eu-west-1", override: nil,
                     environment: ["AWS_ENDPOINT_URL_ECR": "http://ecr:2", "AWS_ENDPOINT_URL": "http://all:3"], expected: "http://ecr:2"),
        EndpointCase(service: .sts, region: "eu-west-1", override: nil,
                     environment: ["AWS_ENDPOINT_URL_ECR": "http://ecr:2", "AWS_ENDPOINT_URL": "http://all:3"], expected: "http://all:3"),
        EndpointCase(service: .ecrPublic, region: "us-east-1", override: nil,
                     environment: ["AWS_ENDPOINT_URL_ECR": "http://ecr:2", "AWS_ENDPOINT_URL_ECR_PUBLIC": "http://public:4"], expected: "http://public:4"),
        EndpointCase(service: .sts, region: "eu-west-1", override: nil,
                     environment: ["AWS_ENDPOINT_URL_STS": "http://sts:5", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"],
                     expected: "https://sts.eu-west-1.amazonaws.com"),
    ]

    @Test("endpoints: spec field, then AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the partition's", arguments: endpointCases)
    func endpoints(row: EndpointCase) {
        #expect(AWSEndpoints.url(for: row.service, region: row.region, override: row.override, environment: row.environment) == row.expected)
    }

    @Test("AWS error answers map to kinds: refused credentials are .rejected, throttling and 5xx .providerError")
    func errorKinds() {
        func kind(_ status: Int, _ body: String) -> CredentialSourceError.Kind { AWSErrorResponse(status: status, body: Data(body.utf8)).kind }
        #expect(kind(400, #"{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}"#) == .rejected)
        #expect(kind(400, #"{"__type":"com.amazonaws.ecr#InvalidSignatureException","message":"x"}"#) == .rejected)
        #expect(kind(400, #"{"__type":"AccessDeniedException:http://internal.amazon.com/coral/","message":"x"}"#) == .rejected)
        #expect(kind(403, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>m</Message></Error></ErrorResponse>") == .rejected)
        #expect(kind(400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#) == .providerError)
        #expect(kind(503, "") == .providerError)
        #expect(kind(400, #"{"__type":"InvalidParameterException","message":"bad registry id"}"#) == .misconfigured)
        let parsed = AWSErrorResponse(status: 403, body: Data("<Error><Code>AccessDenied</Code><Message>a &amp; b</Message></Error>".utf8))
        #expect(parsed.code == "AccessDenied" && parsed.message == "a & b")
    }
}
