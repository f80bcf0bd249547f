// A small Docker registry token service for tests (distribution's token auth spec): checks basic
// auth, grants the requested repository actions an account may have, and signs an RS256 JWT with a
// throw-away certificate carried in the `x5c` header, which docker-registry verifies against its
// `rootcertbundle`. Listens on 127.0.0.1 (plain HTTP) on a port the kernel picks.
import Crypto
import _CryptoExtras
import Foundation
import TestPeers
import Hummingbird
import Logging
import NIOCore

final class TokenIssuer: Sendable {
    /// What one account may do: repositories it may pull and push ("*" for every repository).
    struct Account: Sendable {
        let password: String
        let pull: Set<String>
        let push: Set<String>
    }

    private let server: LoopbackHTTPServer
    var port: Int { server.port }
    /// Holds the certificate that signs tokens; the registry's `rootcertbundle`.
    let signingCertificate: URL
    let service: String
    let issuer: String

    var realm: String { "http://127.0.0.1:\(port)/token" }

    /// What a registry trusting this issuer is configured with.
    var registryService: DockerRegistry.TokenService {
        DockerRegistry.TokenService(realm: realm, service: service, issuer: issuer, signingCertificate: signingCertificate)
    }
    var host: String { "127.0.0.1:\(port)" }

    private init(server: LoopbackHTTPServer, signingCertificate: URL, service: String, issuer: String) {
        self.server = server
        self.signingCertificate = signingCertificate
        self.service = service
        self.issuer = issuer
    }

    /// Starts the issuer, runs `body`, and stops it whether `body` returns or throws.
    static func withRunning<T>(
        in directory: TemporaryDirectory, accounts: [String: Account], service: String = "regcred-test-registry",
        issuer: String = "regcred-test-issuer", _ body: (TokenIssuer) async throws -> T
    ) async throws -> T {
        let tokenIssuer = try await start(in: directory, accounts: accounts, service: service, issuer: issuer)
        return try await TestPeers.withRunning { try await body(tokenIssuer) } finally: { await tokenIssuer.stop() }
    }

    private static func start(
        in directory: TemporaryDirectory, accounts: [String: Account], service: String, issuer: String
    ) async throws -> TokenIssuer {
        let root = try directory.makeDirectory("token-issuer")
        let keyFile = root.appending(path: "signing.key")
        let certificateFile = root.appending(path: "signing.crt")
        try await ChildProcess.runTool(
            "openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile.path, "-out", certificateFile.path,
                "-days", "2", "-subj", "/CN=regcred test token signer",
            ], home: root)
        let signer = JWTSigner(
            key: try _RSA.Signing.PrivateKey(pemRepresentation: String(contentsOf: keyFile, encoding: .utf8)),
            certificateDER: try PEM.firstBlockBase64(String(contentsOf: certificateFile, encoding: .utf8)),
            service: service, issuer: issuer)

        let router = Router()
        router.get("token") { request, _ -> Response in
            Self.answer(request, accounts: accounts, signer: signer)
        }
        let server = try await LoopbackHTTPServer.start("token issuer", router: router)
        return TokenIssuer(server: server, signingCertificate: certificateFile, service: service, issuer: issuer)
    }

    func stop() async {
        await server.stop()
    }

    // MARK: - The token endpoint

    private static func answer(_ request: Request, accounts: [String: Account], signer: JWTSigner) -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":")
        else {
            return json(#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#, status: .unauthorized)
        }
        let user = String(decoded[..<colon])
        let password = String(decoded[decoded.index(after: colon)...])
        guard let account = accounts[user], account.password == password else {
            return json(#"{"errors":[{"code":"UNAUTHORIZED","message":"wrong username or password"}]}"#, status: .unauthorized)
        }
        // As real token services do, a scope the account lacks is left out of the token rather than refused.
        var access: [[String: Any]] = []
        for raw in request.uri.queryParameters[values: "scope"] {
            let scope = String(raw).removingPercentEncoding ?? String(raw)
            let parts = scope.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 3, parts[0] == "repository" else { continue }
            let name = parts[1..<(parts.count - 1)].joined(separator: ":")
            let granted = parts[parts.count - 1].split(separator: ",").map(String.init).filter { action in
                let allowed = action == "pull" ? account.pull : action == "push" ? account.push : []
                return allowed.contains("*") || allowed.contains(name)
            }
            if !granted.isEmpty { access.append(["type": "repository", "name": name, "actions": granted]) }
        }
        guard let token = try? signer.token(subject: user, access: access) else {
            return json(#"{"errors":[{"code":"UNKNOWN","message":"signing failed"}]}"#, status: .internalServerError)
        }
        return json(#"{"token":"\#(token)","access_token":"\#(token)","expires_in":300}"#, status: .ok)
    }

    private static func json(_ body: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

/// Signs registry tokens: RS256 over `header.claims`, the certificate in `x5c`.
struct JWTSigner: Sendable {
    let key: _RSA.Signing.PrivateKey
    /// Standard base64 of the certificate's DER, as `x5c` wants it.
    let certificateDER: String
    let service: String
    let issuer: String

    func token(subject: String, access: [[String: Any]], now: Date = Date()) throws -> String {
        let header: [String: Any] = ["typ": "JWT", "alg": "RS256", "x5c": [certificateDER]]
        let seconds = Int(now.timeIntervalSince1970)
        let claims: [String: Any] = [
            "iss": issuer, "sub": subject, "aud": service, "exp": seconds + 300, "nbf": seconds - 10, "iat": seconds,
            "jti": UUID().uuidString, "access": access,
        ]
        let signingInput =
            Self.base64URL(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) + "."
            + Self.base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let signature = try key.signature(for: SHA256.hash(data: Data(signingInput.utf8)), padding: .insecurePKCS1v1_5)
        return signingInput + "." + Self.base64URL(signature.rawRepresentation)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

enum PEM {
    /// The base64 body of the first PEM block (the DER, base64-encoded).
    static func firstBlockBase64(_ pem: String) throws -> String {
        let lines = pem.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN") }),
            let end = lines[begin...].firstIndex(where: { $0.hasPrefix("-----END") })
        else { throw TestSupportError.unexpectedOutput("no PEM block") }
        return lines[(begin + 1)..<end].joined()
    }
}
