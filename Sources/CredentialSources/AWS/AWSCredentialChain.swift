// The AWS SDKs' default credential chain, in their order: environment, web identity (IRSA), container
// credentials (EKS Pod Identity, ECS), shared credentials/config files, IMDSv2. The first link that is
// configured answers; a configured link that fails stops the chain with an error naming it.
import Foundation
import NIOHTTP1
import RegcredCore

public struct AWSCredentialChain: Sendable {
    public enum Link: String, Sendable, CaseIterable {
        case environment = "environment (AWS_ACCESS_KEY_ID)"
        case webIdentity = "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)"
        case containerCredentials = "container credentials (AWS_CONTAINER_CREDENTIALS_*_URI)"
        case sharedFiles = "shared credentials files"
        case instanceMetadata = "EC2 instance metadata (IMDSv2)"
    }

    var context: SourceContext
    /// Where AssumeRoleWithWebIdentity goes.
    var sts: STSClient

    init(context: SourceContext, sts: STSClient) {
        self.context = context
        self.sts = sts
    }

    var environment: [String: String] { context.environment }

    /// Credentials from the first configured link, and which link it was.
    public func resolve() async throws(CredentialSourceError) -> (credentials: AWSCredentials, link: Link) {
        var imdsProblem = isIMDSDisabled ? "disabled by AWS_EC2_METADATA_DISABLED" : "no instance profile attached"
        for link in Link.allCases {
            do {
                if let found = try await credentials(from: link) { return (found, link) }
            } catch {
                // Off EC2 the metadata service is simply absent: report it with the rest of the chain.
                guard link == .instanceMetadata, error.kind == .unreachable else { throw error }
                imdsProblem = error.message
            }
        }
        let secretAlternative = context.settings.name(ofField: "ecr.credentialsSecretRef").map { ", or set \($0)" } ?? ""
        throw CredentialSourceError(
            .misconfigured, provider: "aws",
            "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in \(context.settings.environment), or run with IRSA (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN) or EKS Pod Identity, or configure a profile in ~/.aws/credentials (AWS_PROFILE)\(secretAlternative); the EC2 metadata service: \(imdsProblem)"
        )
    }

    /// The link's credentials; nil when the link is not configured here (the chain moves on).
    public func credentials(from link: Link) async throws(CredentialSourceError) -> AWSCredentials? {
        switch link {
        case .environment: try fromEnvironment()
        case .webIdentity: try await fromWebIdentity()
        case .containerCredentials: try await fromContainerEndpoint()
        case .sharedFiles: try fromSharedFiles()
        case .instanceMetadata: try await fromInstanceMetadata()
        }
    }

    func value(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    // MARK: environment

    func fromEnvironment() throws(CredentialSourceError) -> AWSCredentials? {
        let id = value("AWS_ACCESS_KEY_ID"), secret = value("AWS_SECRET_ACCESS_KEY")
        if id == nil && secret == nil { return nil }
        guard let credentials = AWSCredentials.from(accessKeyId: id, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN")) else {
            throw CredentialSourceError(
                .misconfigured, provider: "aws",
                "\(Link.environment.rawValue): set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (only \(id == nil ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") is set)")
        }
        return credentials
    }

    // MARK: web identity (IRSA)

    func fromWebIdentity() async throws(CredentialSourceError) -> AWSCredentials? {
        guard let tokenFile = value("AWS_WEB_IDENTITY_TOKEN_FILE") else { return nil }
        guard let roleArn = value("AWS_ROLE_ARN") else {
            throw CredentialSourceError(
                .misconfigured, provider: "aws", "\(Link.webIdentity.rawValue): AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the role to assume")
        }
        let token: String
        do {
            token = String(decoding: try context.readFile(tokenFile), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw CredentialSourceError(
                .misconfigured, provider: "aws", "\(Link.webIdentity.rawValue): cannot read the token file \(tokenFile): check the projected service account token volume")
        }
        guard !token.isEmpty else {
            throw CredentialSourceError(.misconfigured, provider: "aws", "\(Link.webIdentity.rawValue): the token file \(tokenFile) is empty")
        }
        let sessionName = value("AWS_ROLE_SESSION_NAME") ?? "regcred-\(Int(context.now().timeIntervalSince1970))"
        return try await sts.assumeRoleWithWebIdentity(roleArn: roleArn, sessionName: sessionName, token: Redacted(token))
    }

    // MARK: container credentials (EKS Pod Identity, ECS task roles)

    static let containerHost = "http://169.254.170.2"

    func fromContainerEndpoint() async throws(CredentialSourceError) -> AWSCredentials? {
        let url: String
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            url = Self.containerHost + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            guard Self.isAllowedContainerEndpoint(full) else {
                throw CredentialSourceError(
                    .misconfigured, provider: "aws",
                    "\(Link.containerCredentials.rawValue): AWS_CONTAINER_CREDENTIALS_FULL_URI \(ProviderHTTP.redactingQuery(full)) must be https, a loopback address, or the ECS/EKS link-local address (169.254.170.2, 169.254.170.23)")
            }
            url = full
        } else {
            return nil
        }
        var headers: [(String, String)] = [("Accept", "application/json")]
        if let tokenFile = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            do {
                let token = String(decoding: try context.readFile(tokenFile), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                headers.append(("Authorization", token))
            } catch {
                throw CredentialSourceError(
                    .misconfigured, provider: "aws", "\(Link.containerCredentials.rawValue): cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(tokenFile)")
            }
        } else if let token = value("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            headers.append(("Authorization", token))
        }
        let response = try await ProviderHTTP.send(.GET, url, headers: headers, provider: "aws", context: context)
        guard response.status == 200 else {
            throw AWSErrorResponse(status: response.status, body: response.body).error(
                provider: "aws", doing: "\(Link.containerCredentials.rawValue) at \(ProviderHTTP.redactingQuery(url))",
                hint: "check the pod identity association (or task role) and the authorization token")
        }
        return try Self.temporaryCredentials(from: response, link: .containerCredentials)
    }

    /// The SDKs refuse to send the container authorization token to arbitrary plain-http hosts.
    static func isAllowedContainerEndpoint(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return false }
        if scheme == "https" { return true }
        guard scheme == "http" else { return false }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return bare == "localhost" || bare.hasPrefix("127.") || bare == "::1" || bare == "169.254.170.2" || bare == "169.254.170.23"
            || bare == "fd00:ec2::23"
    }

    /// The JSON both the container endpoint and IMDS answer: AccessKeyId, SecretAccessKey, Token, Expiration.
    static func temporaryCredentials(from response: ProviderResponse, link: Link) throws(CredentialSourceError) -> AWSCredentials {
        let json = try response.json(provider: "aws", expecting: "credentials document")
        if let code = json["Code"]?.stringValue, code != "Success" {
            throw CredentialSourceError(.providerError, provider: "aws", "\(link.rawValue) answered Code \(code)")
        }
        guard let credentials = AWSCredentials.from(
            accessKeyId: json["AccessKeyId"]?.stringValue, secretAccessKey: json["SecretAccessKey"]?.stringValue,
            sessionToken: json["Token"]?.stringValue, expiration: json["Expiration"]?.stringValue.flatMap(AWSTime.parse))
        else {
            throw CredentialSourceError(.providerError, provider: "aws", "\(link.rawValue) answered without AccessKeyId and SecretAccessKey")
        }
        return credentials
    }

    // MARK: shared files

    func fromSharedFiles() throws(CredentialSourceError) -> AWSCredentials? {
        let home = value("HOME") ?? NSHomeDirectory()
        let credentialsPath = value("AWS_SHARED_CREDENTIALS_FILE") ?? home + "/.aws/credentials"
        let configPath = value("AWS_CONFIG_FILE") ?? home + "/.aws/config"
        let explicitProfile = value("AWS_PROFILE") ?? value("AWS_DEFAULT_PROFILE")
        let profile = explicitProfile ?? "default"
        let credentialsFile = (try? context.readFile(credentialsPath)).map {
            AWSSharedConfig(parsing: String(decoding: $0, as: UTF8.self), isConfigFile: false)
        }
        let configFile = (try? context.readFile(configPath)).map { AWSSharedConfig(parsing: String(decoding: $0, as: UTF8.self), isConfigFile: true) }
        if let found = AWSSharedConfig.credentials(
            profile: profile, credentialsFile: credentialsFile ?? AWSSharedConfig(), configFile: configFile ?? AWSSharedConfig())
        {
            return found
        }
        // A profile the user named explicitly must exist and hold keys; the implicit default may be absent.
        guard let explicitProfile else { return nil }
        let known = credentialsFile?.profiles[explicitProfile] != nil || configFile?.profiles[explicitProfile] != nil
        throw CredentialSourceError(
            .misconfigured, provider: "aws",
            known
                ? "\(Link.sharedFiles.rawValue): profile \(explicitProfile) has no aws_access_key_id and aws_secret_access_key (role_arn, sso and credential_process profiles are not supported; use \(context.settings.name(ofField: "ecr.roleArn") ?? "a role ARN"))"
                : "\(Link.sharedFiles.rawValue): AWS_PROFILE names \(explicitProfile), which is in neither \(credentialsPath) nor \(configPath)")
    }

    // MARK: IMDSv2

    static let defaultIMDSEndpoint = "http://169.254.169.254"

    var isIMDSDisabled: Bool { value("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" }

    func fromInstanceMetadata() async throws(CredentialSourceError) -> AWSCredentials? {
        if isIMDSDisabled { return nil }
        let endpoint = BaseURL(value("AWS_EC2_METADATA_SERVICE_ENDPOINT") ?? Self.defaultIMDSEndpoint)
        // Off EC2 nothing answers; do not hold the chain for the full provider timeout.
        var imdsContext = context
        imdsContext.timeout = min(context.timeout, .seconds(2))
        let tokenResponse = try await ProviderHTTP.send(
            .PUT, endpoint.appending("latest/api/token"), headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")], provider: "aws",
            context: imdsContext)
        guard tokenResponse.status == 200, !tokenResponse.body.isEmpty else {
            throw CredentialSourceError(.providerError, provider: "aws", "\(Link.instanceMetadata.rawValue): the token request answered HTTP \(tokenResponse.status)")
        }
        let tokenHeader = ("X-aws-ec2-metadata-token", String(decoding: tokenResponse.body, as: UTF8.self))
        let base = endpoint.appending("latest/meta-data/iam/security-credentials/")
        let roles = try await ProviderHTTP.send(.GET, base, headers: [tokenHeader], provider: "aws", context: imdsContext)
        if roles.status == 404 { return nil }
        guard roles.status == 200,
              let role = String(decoding: roles.body, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty
        else {
            throw CredentialSourceError(.providerError, provider: "aws", "\(Link.instanceMetadata.rawValue): listing the instance role answered HTTP \(roles.status)")
        }
        let document = try await ProviderHTTP.send(.GET, base + role, headers: [tokenHeader], provider: "aws", context: imdsContext)
        guard document.status == 200 else {
            throw CredentialSourceError(
                .providerError, provider: "aws", "\(Link.instanceMetadata.rawValue): credentials of role \(role) answered HTTP \(document.status)")
        }
        return try Self.temporaryCredentials(from: document, link: .instanceMetadata)
    }
}
