import AsyncHTTPClient
import Foundation
import Synchronization
import TestPeers
import Testing

@testable import CredentialSources
@testable import RegcredCore

/// A stand-in for ECR, ECR Public and STS AssumeRole that records what it was asked. It answers each region
/// from the request's credential scope, the way AWS's regional endpoints would.
final class ECRPeer: Sendable {
    struct Call: Sendable {
        var path: String
        var target: String?
        var scope: String
        var body: String
        var securityToken: String?
    }

    let calls = Mutex<[Call]>([])
    /// Regions whose GetAuthorizationToken answers this status and body instead of a token.
    let failing: [String: (Int, String)]

    init(failing: [String: (Int, String)] = [:]) {
        self.failing = failing
    }

    static func password(_ region: String) -> String { "ecr-password-\(region)" }

    func handle(_ request: StandInRequest) -> (Int, String) {
        let authorization = request.header("authorization") ?? ""
        let scope = authorization.split(separator: "/").dropFirst(2).prefix(2).joined(separator: "/")
        calls.withLock {
            $0.append(Call(path: request.path, target: request.header("x-amz-target"), scope: scope, body: request.text,
                           securityToken: request.header("x-amz-security-token")))
        }
        let region = scope.split(separator: "/").first.map(String.init) ?? "?"
        switch request.path {
        case "/sts/":
            return (200, """
                <AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>\
                <SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-session</SessionToken>\
                <Expiration>2030-01-01T01:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>
                """)
        case "/ecr/":
            guard request.header("x-amz-target") == ECRTokenSource.privateTarget,
                  request.header("content-type") == "application/x-amz-json-1.1"
            else { return (400, #"{"__type":"UnknownOperationException"}"#) }
            if let failure = failing[region] { return failure }
            let token = Data("AWS:\(Self.password(region))".utf8).base64EncodedString()
            return (200, #"{"authorizationData":[{"authorizationToken":"\#(token)","expiresAt":1.8934560005E9,"proxyEndpoint":"https://123456789012.dkr.ecr.\#(region).amazonaws.com"}]}"#)
        case "/public/":
            guard request.header("x-amz-target") == ECRTokenSource.publicTarget, scope == "us-east-1/ecr-public" else {
                return (400, #"{"__type":"UnknownOperationException"}"#)
            }
            let token = Data("AWS:public-password".utf8).base64EncodedString()
            return (200, #"{"authorizationData":{"authorizationToken":"\#(token)","expiresAt":1893456000}}"#)
        default:
            return (404, "")
        }
    }

    func count(path: String) -> Int { calls.withLock { $0.filter { $0.path == path }.count } }
}

@Suite("The ECR source")
struct ECRTokenSourceTests {
    static let keys = ["AWS_ACCESS_KEY_ID": "AKIABASE", "AWS_SECRET_ACCESS_KEY": "base-secret-key"]

    static func context(peer: String, environment: [String: String] = keys, clock: TestClock = TestClock(Date(timeIntervalSince1970: 1_800_000_000)),
                        secrets: [String: [String: Data]] = [:]) -> SourceContext {
        let env = environment.merging([
            "AWS_ENDPOINT_URL_ECR": peer + "/ecr", "AWS_ENDPOINT_URL_ECR_PUBLIC": peer + "/public", "AWS_ENDPOINT_URL_STS": peer + "/sts",
            "AWS_EC2_METADATA_DISABLED": "true", "HOME": "/nonexistent",
        ]) { own, _ in own }
        return SourceContext(http: HTTPClient.shared, environment: env, secrets: { secrets[$0] }, now: { clock.now }, timeout: .seconds(10))
    }

    @Test("one GetAuthorizationToken per region, one credential per authorization datum, hosts from proxyEndpoint")
    func regions() async throws {
        let peer = ECRPeer()
        try await ProviderStandIn.serving({ StandInReply(peer.handle($0)) }) { server in
            let spec = ECRSourceSpec(regions: ["us-east-1", "eu-west-1", "cn-north-1"], registryIds: ["123456789012"])
            let source = try CredentialSourceSpec(ecr: spec).makeSource(context: Self.context(peer: server.baseURL))
            guard case .credentials(let credentials) = try await source.fetch() else { Issue.record("expected credentials"); return }
            #expect(credentials.map { $0.registries ?? [] } == [
                ["123456789012.dkr.ecr.cn-north-1.amazonaws.com"], ["123456789012.dkr.ecr.eu-west-1.amazonaws.com"],
                ["123456789012.dkr.ecr.us-east-1.amazonaws.com"],
            ])
            #expect(credentials.allSatisfy { $0.username == "AWS" })
            #expect(credentials.first?.password.value == ECRPeer.password("cn-north-1"))
            #expect(credentials.first?.expiresAt == Date(timeIntervalSince1970: 1_893_456_000.5))
            let calls = peer.calls.withLock { $0 }
            #expect(calls.count == 3)
            #expect(Set(calls.map(\.scope)) == ["us-east-1/ecr", "eu-west-1/ecr", "cn-north-1/ecr"])
            #expect(calls.allSatisfy { $0.body == #"{"registryIds":["123456789012"]}"# && $0.securityToken == nil })
            #expect(source.summary == "ecr us-east-1, eu-west-1, cn-north-1 (registries 123456789012)")
        }
    }

    @Test("ECR Public: service ecr-public in us-east-1, SpencerFrontendService target, host public.ecr.aws")
    func publicRegistry() async throws {
        let peer = ECRPeer()
        try await ProviderStandIn.serving({ StandInReply(peer.handle($0)) }) { server in
            let source = ECRTokenSource(spec: ECRSourceSpec(public: true), context: Self.context(peer: server.baseURL))
            let material = try await source.fetch()
            #expect(material == .credentials([
                Credential(username: "AWS", password: Redacted("public-password"), expiresAt: Date(timeIntervalSince1970: 1_893_456_000),
                           registries: ["public.ecr.aws"])
            ]))
            #expect(peer.calls.withLock { $0.map(\.body) } == ["{}"])
        }
    }

    @Test("a region that fails fails the whole fetch: never partial material; the message carries no secret")
    func partialFailure() async throws {
        let cases: [(Int, String, CredentialSourceError.Kind)] = [
            (500, #"{"__type":"ServerException","message":"internal"}"#, .providerError),
            (400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#, .providerError),
            (400, #"{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}"#, .rejected),
            (200, #"{"authorizationData":[{"authorizationToken":"not base64!","proxyEndpoint":"https://x"}]}"#, .providerError),
        ]
        for (status, body, kind) in cases {
            let peer = ECRPeer(failing: ["eu-west-1": (status, body)])
            try await ProviderStandIn.serving({ StandInReply(peer.handle($0)) }) { server in
                let source = ECRTokenSource(spec: ECRSourceSpec(regions: ["us-east-1", "eu-west-1"]), context: Self.context(peer: server.baseURL))
                do throws(CredentialSourceError) {
                    let material = try await source.fetch()
                    Issue.record("expected a failure, got \(material.ownRegistries)")
                } catch {
                    #expect(error.kind == kind, "\(error)")
                    #expect(error.description.contains("eu-west-1"))
                    for secret in ["base-secret-key", ECRPeer.password("us-east-1")] { #expect(!error.description.contains(secret)) }
                }
            }
        }
    }

    @Test("roleArn: assumed once with the external id, reused until shortly before it expires, then assumed again")
    func assumedRoleIsCached() async throws {
        let peer = ECRPeer()
        let clock = TestClock(RFC3339.parse("2030-01-01T00:00:00Z")!)
        try await ProviderStandIn.serving({ StandInReply(peer.handle($0)) }) { server in
            let spec = ECRSourceSpec(regions: ["eu-west-1"], roleArn: "arn:aws:iam::123456789012:role/puller", externalId: "ext-9")
            let source = ECRTokenSource(spec: spec, context: Self.context(peer: server.baseURL, clock: clock))
            _ = try await source.fetch()
            _ = try await source.fetch()
            #expect(peer.count(path: "/sts/") == 1)
            #expect(peer.count(path: "/ecr/") == 2)
            let assume = peer.calls.withLock { $0.first { $0.path == "/sts/" } }
            #expect(assume?.scope == "eu-west-1/sts")
            #expect(assume?.body.contains("Action=AssumeRole") == true && assume?.body.contains("ExternalId=ext-9") == true)
            // The role's credentials sign the ECR calls, with their session token.
            #expect(peer.calls.withLock { $0.filter { $0.path == "/ecr/" }.allSatisfy { $0.securityToken == "role-session" } })
            clock.now = RFC3339.parse("2030-01-01T00:56:00Z")!  // expires 01:00, inside the 5-minute margin
            _ = try await source.fetch()
            #expect(peer.count(path: "/sts/") == 2)
        }
    }

    @Test("credentialsSecretRef replaces the chain; a missing secret or key is .secretMissing and names the secret")
    func secretCredentials() async throws {
        let peer = ECRPeer()
        try await ProviderStandIn.serving({ StandInReply(peer.handle($0)) }) { server in
            let secrets = ["aws": ["AWS_ACCESS_KEY_ID": Data("AKIASECRET".utf8), "AWS_SECRET_ACCESS_KEY": Data("from-secret\n".utf8),
                                   "AWS_SESSION_TOKEN": Data("secret-session".utf8)],
                           "half": ["AWS_ACCESS_KEY_ID": Data("AKIAHALF".utf8)]]
            let context = Self.context(peer: server.baseURL, secrets: secrets)
            _ = try await ECRTokenSource(spec: ECRSourceSpec(regions: ["us-east-1"], credentialsSecretRef: .init(name: "aws")), context: context).fetch()
            #expect(peer.calls.withLock { $0.last?.securityToken } == "secret-session")
            for name in ["missing", "half"] {
                let source = ECRTokenSource(spec: ECRSourceSpec(regions: ["us-east-1"], credentialsSecretRef: .init(name: name)), context: context)
                do throws(CredentialSourceError) {
                    _ = try await source.fetch()
                    Issue.record("expected a failure for \(name)")
                } catch {
                    #expect(error.kind == .secretMissing && error.message.contains(name) && error.message.contains("AWS_SECRET_ACCESS_KEY"))
                }
            }
        }
    }

    @Test("credential values never show up in descriptions")
    func redaction() {
        let credentials = AWSCredentials(accessKeyId: "AKIA", secretAccessKey: Redacted("very-secret"), sessionToken: Redacted("session-secret"))
        let text = "\(credentials) \(String(reflecting: credentials))"
        #expect(!text.contains("very-secret") && !text.contains("session-secret"))
    }
}

/// Against moto's server with request authentication on: a wrong SigV4 signature really fails.
@Suite("The ECR source against moto")
struct ECRTokenSourceMotoTests {
    static func context(moto: MotoServer, environment: [String: String], secrets: [String: [String: Data]] = [:]) -> SourceContext {
        SourceContext(
            http: HTTPClient.shared,
            environment: environment.merging(["AWS_ENDPOINT_URL": moto.endpoint, "AWS_EC2_METADATA_DISABLED": "true", "HOME": "/nonexistent"]) { a, _ in a },
            secrets: { secrets[$0] }, timeout: .seconds(30))
    }

    @Test("signed with the IAM user's key every region answers, one call each; a wrong secret key is .rejected")
    func signedRequests() async throws {
        try await MotoServer.with(authenticateAfter: MotoIdentity.setupActions, record: true) { moto in
            let identity = try await MotoIAM.setUp(moto)
            let secrets = [
                "right": ["AWS_ACCESS_KEY_ID": Data(identity.accessKeyId.utf8), "AWS_SECRET_ACCESS_KEY": Data(identity.secretAccessKey.utf8)],
                "wrong": ["AWS_ACCESS_KEY_ID": Data(identity.accessKeyId.utf8), "AWS_SECRET_ACCESS_KEY": Data("wrong-secret-key".utf8)],
            ]
            let context = Self.context(moto: moto, environment: [:], secrets: secrets)
            let regions = ["us-east-1", "eu-west-1", "ap-northeast-1"]
            let source = ECRTokenSource(spec: ECRSourceSpec(regions: regions, credentialsSecretRef: .init(name: "right")), context: context)
            let started = ContinuousClock.now
            let material = try await source.fetch()
            let elapsed = ContinuousClock.now - started
            print("ECR fetch against moto (3 regions, one call each): \(elapsed)")
            #expect(Set(material.ownRegistries) == Set(regions.map { "123456789012.dkr.ecr.\($0).amazonaws.com" }))
            guard case .credentials(let credentials) = material else { Issue.record("expected credentials"); return }
            #expect(credentials.allSatisfy { $0.username == "AWS" && $0.password.value == "123456789012-auth-token" && $0.expiresAt != nil })
            let calls = try moto.recordedCalls().filter { $0.operation == ECRTokenSource.privateTarget }
            #expect(calls.count == 3)
            #expect(Set(calls.map(\.region)) == Set(regions))

            let wrong = ECRTokenSource(spec: ECRSourceSpec(regions: ["eu-west-1"], credentialsSecretRef: .init(name: "wrong")), context: context)
            do throws(CredentialSourceError) {
                _ = try await wrong.fetch()
                Issue.record("a wrong secret key must fail")
            } catch {
                #expect(error.kind == .rejected, "\(error)")
                #expect(error.message.contains("SignatureDoesNotMatch"))
                for secret in ["wrong-secret-key", identity.secretAccessKey, "123456789012-auth-token"] { #expect(!error.description.contains(secret)) }
            }
        }
    }

    @Test("roleArn with the right external id is assumed (STS AssumeRole) and its session signs ECR; a wrong one is .rejected")
    func assumeRole() async throws {
        try await MotoServer.with(authenticateAfter: MotoIdentity.setupActions, record: true) { moto in
            let identity = try await MotoIAM.setUp(moto)
            let environment = ["AWS_ACCESS_KEY_ID": identity.accessKeyId, "AWS_SECRET_ACCESS_KEY": identity.secretAccessKey]
            let context = Self.context(moto: moto, environment: environment)
            let spec = ECRSourceSpec(regions: ["eu-west-1"], roleArn: identity.roleArn, externalId: MotoIdentity.externalId)
            let source = ECRTokenSource(spec: spec, context: context)
            let material = try await source.fetch()
            #expect(material.ownRegistries == ["123456789012.dkr.ecr.eu-west-1.amazonaws.com"])
            _ = try await source.fetch()
            let calls = try moto.recordedCalls()
            // One AssumeRole for two fetches: the role's credentials are cached.
            #expect(calls.filter { $0.operation == "?" && $0.region == "eu-west-1" }.count == 1)
            #expect(calls.filter { $0.operation == ECRTokenSource.privateTarget }.count == 2)

            var wrongSpec = spec
            wrongSpec.externalId = "not-the-id"
            do throws(CredentialSourceError) {
                _ = try await ECRTokenSource(spec: wrongSpec, context: context).fetch()
                Issue.record("a wrong external id must fail")
            } catch {
                #expect(error.kind == .rejected && error.provider == "sts", "\(error)")
                #expect(error.message.contains("AccessDenied") && error.message.contains("external id"))
                #expect(!error.description.contains(identity.secretAccessKey))
            }
        }
    }

    @Test("IRSA: web identity token → AssumeRoleWithWebIdentity (unsigned) → ECR signed with the session")
    func webIdentity() async throws {
        // moto cannot serve an unsigned STS call while authentication is on, so this one runs with it off.
        try await MotoServer.with(record: true) { moto in
            let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("irsa-\(UUID().uuidString)")
            try Data("eyJhbGciOiJSUzI1NiJ9.irsa-token.signature\n".utf8).write(to: tokenFile)
            defer { try? FileManager.default.removeItem(at: tokenFile) }
            let context = Self.context(moto: moto, environment: [
                "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/irsa",
                "AWS_ROLE_SESSION_NAME": "regcred-test", "AWS_REGION": "eu-central-1",
            ])
            let source = ECRTokenSource(spec: ECRSourceSpec(regions: ["eu-central-1"]), context: context)
            #expect(try await source.fetch().ownRegistries == ["123456789012.dkr.ecr.eu-central-1.amazonaws.com"])
            let calls = try moto.recordedCalls()
            #expect(calls.contains { $0.operation == "?" && $0.region == "?" })  // the unsigned STS call
            #expect(calls.filter { $0.operation == ECRTokenSource.privateTarget }.map(\.region) == ["eu-central-1"])
        }
    }
}
