// Authenticator: turns ClientCredentials into what each request carries (an Authorization
// header, and for exec plugins possibly a client certificate), and reacts to a 401 by dropping
// what was rejected so that the next attempt fetches fresh credentials.
import Foundation
import Logging
import NIOSSL
import RegcredCore

actor Authenticator {
    /// What one attempt used; handed back on 401 so that only that is invalidated.
    struct Applied: Sendable {
        var authorization: Redacted<String>?
        var tlsOverride: TLSConfiguration?
        var execCredential: ExecCredential?
    }

    private let config: ClientConfig
    private let tokenFile: TokenFileSource?
    private let exec: ExecCredentialProvider?
    private var execTLS: (certificate: Data, tls: TLSConfiguration)?

    init(config: ClientConfig, logger: Logger, execRunner: ExecCredentialProvider.Runner?) {
        self.config = config
        self.tokenFile = config.credentials.tokenFile.map(TokenFileSource.init(path:))
        self.exec = config.credentials.exec.map {
            ExecCredentialProvider(config: $0, clusterInfo: config.execClusterInfo, logger: logger, runner: execRunner)
        }
    }

    /// True when a 401 may be cured by fetching credentials again (rotated file, new exec token).
    var canRefresh: Bool { tokenFile != nil || exec != nil }

    func current() async throws -> Applied {
        let credentials = config.credentials
        // client-go's order: a token file (re-read) wins over a static token; exec is used when
        // the user has no token.
        if let tokenFile {
            do {
                return Applied(authorization: Redacted("Bearer " + (try await tokenFile.token()).value))
            } catch {
                guard let token = credentials.bearerToken else { throw error }
                return Applied(authorization: Redacted("Bearer " + token.value))
            }
        }
        if let token = credentials.bearerToken {
            return Applied(authorization: Redacted("Bearer " + token.value))
        }
        if let exec {
            let credential = try await exec.credential()
            var applied = Applied(execCredential: credential)
            if let token = credential.token { applied.authorization = Redacted("Bearer " + token.value) }
            if let certificate = credential.clientCertificatePEM, let key = credential.clientKeyPEM {
                applied.tlsOverride = try tlsConfiguration(certificate: certificate, key: key)
            }
            return applied
        }
        if let username = credentials.username, let password = credentials.password {
            let basic = Data("\(username):\(password.value)".utf8).base64EncodedString()
            return Applied(authorization: Redacted("Basic " + basic))
        }
        return Applied()
    }

    /// The server answered 401 to `applied`.
    func rejected(_ applied: Applied) async {
        if let tokenFile { await tokenFile.invalidate() }
        if let exec { await exec.invalidate(rejected: applied.execCredential) }
    }

    /// Parsing a certificate and key is costly; reuse the configuration while the plugin
    /// returns the same certificate.
    private func tlsConfiguration(certificate: Data, key: Redacted<Data>) throws -> TLSConfiguration {
        if let execTLS, execTLS.certificate == certificate { return execTLS.tls }
        let tls = try config.makeTLSConfiguration(identity: (certificate, key))
        execTLS = (certificate, tls)
        return tls
    }
}
