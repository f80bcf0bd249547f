// AWS STS over the Query protocol: AssumeRole (signed with the base credentials) and
// AssumeRoleWithWebIdentity (unsigned: the web identity token is the proof). Answers are XML.
import Foundation
import NIOHTTP1
import RegcredCore

struct STSClient: Sendable {
    /// The regional endpoint (or its override) and the region that signs for it.
    var endpoint: String
    var region: String
    var context: SourceContext

    static let apiVersion = "2011-06-15"

    func assumeRole(
        base: AWSCredentials, roleArn: String, externalId: String?, sessionName: String
    ) async throws(CredentialSourceError) -> AWSCredentials {
        var fields = [("Action", "AssumeRole"), ("Version", Self.apiVersion), ("RoleArn", roleArn), ("RoleSessionName", sessionName)]
        if let externalId { fields.append(("ExternalId", externalId)) }
        let body = ProviderHTTP.formBody(fields)
        guard let url = URL(string: endpoint + "/") else {
            throw CredentialSourceError(.misconfigured, provider: "sts", "STS endpoint \(endpoint) is not a URL")
        }
        let request = SigV4Request(method: "POST", url: url, headers: [("Content-Type", Self.contentType)], body: body)
        let headers = SigV4Signer(credentials: base, region: region, service: AWSService.sts.signingName)
            .signedHeaders(for: request, at: context.now())
        let response = try await ProviderHTTP.send(
            .POST, url.absoluteString, headers: headers, body: body, provider: "sts", context: context)
        return try credentials(
            from: response, action: "AssumeRole \(roleArn)",
            hint: "the base credentials need sts:AssumeRole on \(roleArn), and the role's trust policy must allow them"
                + (externalId == nil ? "" : " with this external id"))
    }

    func assumeRoleWithWebIdentity(
        roleArn: String, sessionName: String, token: Redacted<String>
    ) async throws(CredentialSourceError) -> AWSCredentials {
        let body = ProviderHTTP.formBody([
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", Self.apiVersion), ("RoleArn", roleArn),
            ("RoleSessionName", sessionName), ("WebIdentityToken", token.value),
        ])
        let response = try await ProviderHTTP.send(
            .POST, endpoint + "/", headers: [("Content-Type", Self.contentType)], body: body, provider: "sts", context: context)
        return try credentials(
            from: response, action: "AssumeRoleWithWebIdentity \(roleArn)",
            hint: "the role's trust policy must allow the cluster's OIDC provider and this service account (IRSA)")
    }

    static let contentType = "application/x-www-form-urlencoded; charset=utf-8"

    func credentials(from response: ProviderResponse, action: String, hint: String) throws(CredentialSourceError) -> AWSCredentials {
        guard response.status == 200 else {
            throw AWSErrorResponse(status: response.status, body: response.body).error(provider: "sts", doing: action, hint: hint)
        }
        let xml = String(decoding: response.body, as: UTF8.self)
        let expiration = XMLText.first("Expiration", inside: "Credentials", of: xml).flatMap(AWSTime.parse)
        guard let credentials = AWSCredentials.from(
            accessKeyId: XMLText.first("AccessKeyId", inside: "Credentials", of: xml),
            secretAccessKey: XMLText.first("SecretAccessKey", inside: "Credentials", of: xml),
            sessionToken: XMLText.first("SessionToken", inside: "Credentials", of: xml), expiration: expiration)
        else {
            throw CredentialSourceError(.providerError, provider: "sts", "\(action) answered HTTP 200 without Credentials")
        }
        return credentials
    }
}

/// AWS timestamps: ISO 8601 with or without fractional seconds of any length (`2026-01-01T00:00:00.123456Z`).
enum AWSTime {
    static func parse(_ text: String) -> Date? {
        var plain = text
        if let dot = plain.firstIndex(of: "."), let end = plain[dot...].firstIndex(where: { !$0.isNumber && $0 != "." }) {
            plain.removeSubrange(dot..<end)
        }
        return RFC3339.parse(plain)
    }
}
