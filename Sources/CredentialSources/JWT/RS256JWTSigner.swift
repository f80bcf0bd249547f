// RS256 JSON Web Tokens (RFC 7519, JWS RFC 7515): the signed assertions that Google's OAuth2
// token endpoint and GitHub's App API accept. One signer for both; it holds the key and never
// shows it (errors say what kind of PEM was expected, never what was found).
import Crypto
import Foundation
import RegcredCore
import _CryptoExtras

public struct RS256JWTSigner: Sendable {
    private let key: _RSA.Signing.PrivateKey

    /// Reads an RSA private key from PEM: PKCS#1 (`BEGIN RSA PRIVATE KEY`, GitHub's format) or
    /// PKCS#8 (`BEGIN PRIVATE KEY`, Google's), 2048 bits or more.
    public init(pem: String) throws(JWTKeyError) {
        let text = pem.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.contains("-----BEGIN ") else { throw .notPEM }
        if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED") {
            throw .encrypted
        }
        guard text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN PRIVATE KEY-----") else {
            throw .notRSAPrivateKey
        }
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: text)
        } catch CryptoKitError.incorrectParameterSize {
            throw .tooShort
        } catch {
            throw .unreadable
        }
    }

    init(key: _RSA.Signing.PrivateKey) { self.key = key }

    /// `base64url(header).base64url(claims).base64url(signature)`, header `{"alg":"RS256","typ":"JWT"}`
    /// plus `kid` when given. Claims are encoded with sorted keys, so a token is deterministic.
    public func token(claims: [String: JSONValue], keyId: String? = nil) throws(JWTKeyError) -> String {
        var header: [String: JSONValue] = ["alg": .string("RS256"), "typ": .string("JWT")]
        if let keyId { header["kid"] = .string(keyId) }
        let signingInput = Base64URL.encode(JSONValue.object(header).encoded()) + "." + Base64URL.encode(JSONValue.object(claims).encoded())
        let signature: _RSA.Signing.RSASignature
        do {
            signature = try key.signature(for: SHA256.hash(data: Data(signingInput.utf8)), padding: .insecurePKCS1v1_5)
        } catch {
            throw .signingFailed
        }
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }
}

/// Why a PEM cannot sign. Descriptions complete "the key …" and never quote the key.
public enum JWTKeyError: Error, Hashable, Sendable, CustomStringConvertible {
    case notPEM
    case encrypted
    case notRSAPrivateKey
    case tooShort
    case unreadable
    case signingFailed

    public var description: String {
        switch self {
        case .notPEM: "is not PEM text (expected -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----)"
        case .encrypted: "is an encrypted PEM; store the key unencrypted (openssl rsa -in key.pem -out plain.pem)"
        case .notRSAPrivateKey: "is PEM but not an RSA private key (expected -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----)"
        case .tooShort: "is an RSA key shorter than 2048 bits"
        case .unreadable: "is not a readable RSA private key (damaged PEM, or not RSA)"
        case .signingFailed: "could not sign the token"
        }
    }
}

/// Base64url without padding (RFC 7515 §2), as JWTs use it.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard)
    }
}
