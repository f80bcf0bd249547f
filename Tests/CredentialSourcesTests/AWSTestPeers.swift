// Peers for the AWS tests, all on 127.0.0.1: moto's IAM set-up (the server is TestPeers.MotoServer) and
// botocore's SigV4 signer as the reference; the container credentials endpoint, IMDSv2 and the ECR stand-in
// are ProviderStandIns. Every peer is stopped by the test that started it.
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import RegcredCore
import Synchronization
import TestPeers

@testable import CredentialSources

enum TestSupport {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/Python")
    static func script(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

struct PeerError: Error, CustomStringConvertible {
    var description: String
}

// MARK: botocore

/// Signs with botocore (`Support/botocore_sign.py`), the reference implementation the AWS CLI uses.
enum BotocoreSigner {
    struct Case: Encodable {
        var method: String
        var url: String
        var query: [[String]]
        var headers: [[String]]
        var body: String
        var region: String
        var service: String
        var access_key: String
        var secret_key: String
        var token: String?
        var timestamp: String
    }

    /// Runs botocore on a dispatch thread: waiting for Python must not hold one of the few
    /// concurrency threads that every other test needs.
    static func authorizations(_ cases: [Case]) async throws -> [String] {
        let input = try JSONEncoder().encode(cases)
        let output = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runPython(script: TestSupport.script("botocore_sign.py"), arguments: [], input: input) })
            }
        }
        return try JSONDecoder().decode([String].self, from: output)
    }
}

/// Runs `python3 script arguments…` with `input` on stdin; its stdout, or an error with its stderr.
func runPython(script: String, arguments: [String], input: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script] + arguments
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(input)
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let errors = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw PeerError(description: "python3 \(script) exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
    }
    return output
}

// MARK: moto (the server itself is TestPeers.MotoServer)

/// What `MotoIAM.setUp` creates: a user allowed ecr:GetAuthorizationToken and sts:AssumeRole, and the role
/// `puller` that trusts the user with external id `ext-1234`.
struct MotoIdentity {
    var accessKeyId: String
    var secretAccessKey: String
    var roleArn: String
    static let externalId = "ext-1234"
    /// The AWS actions `setUp` makes: pass this as `authenticateAfter` so that every later request is checked.
    static let setupActions = 5
}

enum MotoIAM {
    static func setUp(_ moto: MotoServer) async throws -> MotoIdentity {
        let user = try await call(moto, ["Action": "CreateUser", "UserName": "regcred"])
        guard let userArn = XMLText.first("Arn", inside: "User", of: user) else { throw PeerError(description: "CreateUser: \(user)") }
        let key = try await call(moto, ["Action": "CreateAccessKey", "UserName": "regcred"])
        func allow(_ actions: [String]) -> String {
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[\#(actions.map { "\"\($0)\"" }.joined(separator: ","))],"Resource":"*"}]}"#
        }
        _ = try await call(moto, [
            "Action": "PutUserPolicy", "UserName": "regcred", "PolicyName": "pull",
            "PolicyDocument": allow(["ecr:GetAuthorizationToken", "sts:AssumeRole"]),
        ])
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"\#(userArn)"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"\#(MotoIdentity.externalId)"}}}]}"#
        let role = try await call(moto, ["Action": "CreateRole", "RoleName": "puller", "AssumeRolePolicyDocument": trust])
        _ = try await call(moto, [
            "Action": "PutRolePolicy", "RoleName": "puller", "PolicyName": "pull", "PolicyDocument": allow(["ecr:GetAuthorizationToken"]),
        ])
        guard let id = XMLText.first("AccessKeyId", in: key), let secret = XMLText.first("SecretAccessKey", in: key),
              let roleArn = XMLText.first("Arn", inside: "Role", of: role)
        else { throw PeerError(description: "unexpected IAM answers") }
        return MotoIdentity(accessKeyId: id, secretAccessKey: secret, roleArn: roleArn)
    }

    /// An IAM Query call; the signature is checked only once moto's free actions are used up.
    static func call(_ moto: MotoServer, _ fields: [String: String]) async throws -> String {
        let body = ProviderHTTP.formBody((fields.merging(["Version": "2010-05-08"]) { a, _ in a }).sorted { $0.key < $1.key })
        let request = SigV4Request(
            method: "POST", url: URL(string: moto.endpoint + "/")!, headers: [("Content-Type", STSClient.contentType)], body: body)
        let setup = AWSCredentials(accessKeyId: "AKIDSETUP", secretAccessKey: Redacted("setup"))
        var http = HTTPClientRequest(url: moto.endpoint + "/")
        http.method = .POST
        for (name, value) in SigV4Signer(credentials: setup, region: "us-east-1", service: "iam").signedHeaders(for: request, at: Date()) {
            http.headers.add(name: name, value: value)
        }
        http.body = .bytes(ByteBuffer(data: body))
        let response = try await HTTPClient.shared.execute(http, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status == .ok else { throw PeerError(description: "IAM \(fields["Action"] ?? ""): \(response.status) \(text)") }
        return text
    }
}

// MARK: HTTP stand-ins

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ date: Date) { current = Mutex(date) }
    var now: Date {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}
