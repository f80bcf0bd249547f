// WebhookTLSMaterial: the webhook's CA and serving certificate as kept in one Secret, read from
// and written to its data, and changed one WebhookCertificateStep at a time (ECDSA P-256,
// apple/swift-certificates). Keys of the Secret:
//   tls.crt, tls.key   the serving certificate and its key (what the webhook server presents)
//   ca.crt             the caBundle: every trusted CA, the signer first (what clients verify with)
//   ca.key             the signing CA's key
//   ca-next.key        during a CA roll only: the key of the CA that will sign next
// Which certificate in ca.crt is the signer, the next or a retired CA follows from the keys, so
// no separate bookkeeping can disagree with the certificates. Never printed: description redacts.
import Crypto
import Foundation
import X509

public struct WebhookTLSMaterial: Sendable, CustomStringConvertible {
    public struct Authority: Sendable {
        public var certificate: Certificate
        public var key: Certificate.PrivateKey
    }

    public var signer: Authority
    public var next: Authority?
    public var retired: [Certificate]
    public var serving: Certificate
    public var servingKey: Certificate.PrivateKey

    public static let keys = (serving: "tls.crt", servingKey: "tls.key", bundle: "ca.crt", signerKey: "ca.key", nextKey: "ca-next.key")

    public var description: String {
        "WebhookTLSMaterial(serving: \(serving.subject), notAfter: \(serving.notValidAfter), CAs: \(bundle.count), keys: <redacted>)"
    }

    /// The trusted CAs in caBundle order: signer, next, retired (WebhookCertificatePlan.trusted).
    public var bundle: [Certificate] { [signer.certificate] + (next.map { [$0.certificate] } ?? []) + retired }

    public func bundlePEM() throws -> String { try bundle.map { try $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n" }

    public func servingCertificate() throws -> ServingCertificate {
        ServingCertificate(certificateChainPEM: try serving.serializeAsPEM().pemString + "\n",
                           privateKeyPEM: try servingKey.serializeAsPEM().pemString + "\n",
                           notAfter: serving.notValidAfter)
    }

    public func inventory(serviceNames: [String]) -> WebhookCertificateInventory {
        func period(_ certificate: Certificate) -> ValidityPeriod {
            ValidityPeriod(notBefore: certificate.notValidBefore, notAfter: certificate.notValidAfter)
        }
        let signedBySigner = serving.issuer == signer.certificate.subject
            && signer.certificate.publicKey.isValidSignature(serving.signature, for: serving)
        let names = Set((try? serving.extensions.subjectAlternativeNames)?.compactMap { name -> String? in
            if case .dnsName(let dns) = name { return dns }
            return nil
        } ?? [])
        return WebhookCertificateInventory(
            signer: period(signer.certificate), next: next.map { period($0.certificate) }, retired: retired.map(period),
            serving: .init(validity: period(serving), signedBySigner: signedBySigner, coversServiceNames: names.isSuperset(of: serviceNames)))
    }

    // MARK: reading and writing the Secret's data

    /// The material in a Secret's data; nil when any required part is missing or unusable (then
    /// the plan issues everything anew). A damaged Secret is replaced, never half-trusted.
    public init?(secretData data: [String: Data]) {
        func text(_ key: String) -> String? { data[key].flatMap { String(data: $0, encoding: .utf8) } }
        guard let bundleText = text(Self.keys.bundle), let signerKeyText = text(Self.keys.signerKey),
              let servingText = text(Self.keys.serving), let servingKeyText = text(Self.keys.servingKey),
              let signerKey = try? Certificate.PrivateKey(pemEncoded: signerKeyText),
              let serving = try? Certificate(pemEncoded: servingText),
              let servingKey = try? Certificate.PrivateKey(pemEncoded: servingKeyText),
              servingKey.publicKey == serving.publicKey
        else { return nil }
        let certificates = PEMBlocks.split(bundleText, label: "CERTIFICATE").compactMap { try? Certificate(pemEncoded: $0) }
        guard let signerCertificate = certificates.first(where: { $0.publicKey == signerKey.publicKey }) else { return nil }
        var next: Authority?
        if let nextKeyText = text(Self.keys.nextKey), let nextKey = try? Certificate.PrivateKey(pemEncoded: nextKeyText),
           let nextCertificate = certificates.first(where: { $0.publicKey == nextKey.publicKey }) {
            next = Authority(certificate: nextCertificate, key: nextKey)
        }
        self.signer = Authority(certificate: signerCertificate, key: signerKey)
        self.next = next
        self.retired = certificates.filter { $0.publicKey != signerKey.publicKey && $0.publicKey != next?.key.publicKey }
        self.serving = serving
        self.servingKey = servingKey
    }

    public func secretData() throws -> [String: Data] {
        var data: [String: Data] = [
            Self.keys.serving: Data((try serving.serializeAsPEM().pemString + "\n").utf8),
            Self.keys.servingKey: Data((try servingKey.serializeAsPEM().pemString + "\n").utf8),
            Self.keys.bundle: Data(try bundlePEM().utf8),
            Self.keys.signerKey: Data((try signer.key.serializeAsPEM().pemString + "\n").utf8),
        ]
        if let next { data[Self.keys.nextKey] = Data((try next.key.serializeAsPEM().pemString + "\n").utf8) }
        return data
    }

    // MARK: issuing

    init(signer: Authority, next: Authority?, retired: [Certificate], serving: Certificate, servingKey: Certificate.PrivateKey) {
        self.signer = signer
        self.next = next
        self.retired = retired
        self.serving = serving
        self.servingKey = servingKey
    }

    /// A new CA and a serving certificate it signs.
    public static func issue(serviceNames: [String], now: Date, lifetimes: WebhookCertificateLifetimes) throws -> WebhookTLSMaterial {
        let authority = try newAuthority(now: now, lifetimes: lifetimes)
        let (serving, key) = try newServing(by: authority, serviceNames: serviceNames, now: now, lifetimes: lifetimes)
        return WebhookTLSMaterial(signer: authority, next: nil, retired: [], serving: serving, servingKey: key)
    }

    /// The material after `step` (issueAll is `issue`).
    public func applying(_ step: WebhookCertificateStep, serviceNames: [String], now: Date, lifetimes: WebhookCertificateLifetimes) throws -> WebhookTLSMaterial {
        var result = self
        switch step {
        case .issueAll:
            return try Self.issue(serviceNames: serviceNames, now: now, lifetimes: lifetimes)
        case .addNextAuthority:
            result.next = try Self.newAuthority(now: now, lifetimes: lifetimes)
        case .promoteNextAuthority:
            guard let next else { return try Self.issue(serviceNames: serviceNames, now: now, lifetimes: lifetimes) }
            result.retired = [signer.certificate] + retired
            result.signer = next
            result.next = nil
            (result.serving, result.servingKey) = try Self.newServing(by: next, serviceNames: serviceNames, now: now, lifetimes: lifetimes)
        case .reissueServing:
            (result.serving, result.servingKey) = try Self.newServing(by: signer, serviceNames: serviceNames, now: now, lifetimes: lifetimes)
        case .dropRetiredAuthorities:
            result.retired = []
        }
        // Expired retired CAs verify nothing: the caBundle keeps only what WebhookCertificatePlan trusts.
        let kept = WebhookCertificatePlan.trusted(result.inventory(serviceNames: serviceNames), now: now).compactMap { role -> Certificate? in
            if case .retired(let index) = role { return result.retired[index] }
            return nil
        }
        result.retired = kept
        return result
    }

    static func newAuthority(now: Date, lifetimes: WebhookCertificateLifetimes) throws -> Authority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let validity = WebhookCertificatePlan.authorityValidity(issuedAt: now, lifetimes: lifetimes)
        // A distinct subject per CA, so that during a roll each certificate names its issuer unambiguously.
        let name = try DistinguishedName {
            OrganizationName("regcred")
            CommonName("regcred-webhook-ca@\(Int(now.timeIntervalSince1970))-\(randomHex(4))")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: validity.notBefore, notValidAfter: validity.notAfter, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key)
        return Authority(certificate: certificate, key: key)
    }

    static func newServing(by authority: Authority, serviceNames: [String], now: Date, lifetimes: WebhookCertificateLifetimes) throws -> (Certificate, Certificate.PrivateKey) {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let validity = WebhookCertificatePlan.servingValidity(
            issuedAt: now, authority: ValidityPeriod(notBefore: authority.certificate.notValidBefore, notAfter: authority.certificate.notValidAfter),
            lifetimes: lifetimes)
        let subject = try DistinguishedName {
            OrganizationName("regcred")
            CommonName(serviceNames.dropFirst(2).first ?? serviceNames.first ?? "regcred-webhook")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: validity.notBefore, notValidAfter: validity.notAfter,
            issuer: authority.certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(serviceNames.map { GeneralName.dnsName($0) })
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: authority.key.publicKey).keyIdentifier)
            },
            issuerPrivateKey: authority.key)
        return (certificate, key)
    }

    private static func randomHex(_ bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}

/// PEM text split into its blocks of one label (a caBundle holds several certificates).
enum PEMBlocks {
    static func split(_ text: String, label: String) -> [String] {
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == begin { current = [Substring(trimmed)]; continue }
            guard current != nil else { continue }
            current?.append(Substring(trimmed))
            if trimmed == end, let lines = current {
                blocks.append(lines.joined(separator: "\n"))
                current = nil
            }
        }
        return blocks
    }
}
