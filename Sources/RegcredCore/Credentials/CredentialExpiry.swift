// When a password is a token that says when it expires, read that date (never verifying anything).
import Foundation

public enum CredentialExpiry {
    /// The expiry a token carries, if it carries one:
    /// - a JWT (three base64url segments) with a numeric `exp` claim (GitHub, GCP, ACR refresh tokens);
    /// - an ECR authorization password, base64 of JSON with a numeric `expiration`.
    /// Anything else (a PAT, a plain password) has no knowable expiry.
    public static func of(password: String) -> Date? {
        jwtExpiry(password) ?? ecrExpiry(password)
    }

    static func jwtExpiry(_ token: String) -> Date? {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let payload = decodeBase64URL(String(segments[1])),
            let claims = try? JSONValue(parsing: payload), let exp = claims["exp"]
        else { return nil }
        return date(from: exp)
    }

    static func ecrExpiry(_ password: String) -> Date? {
        guard password.first == "e", let data = BasicAuthField.decodeBase64(password),
            let document = try? JSONValue(parsing: data), let expiration = document["expiration"]
        else { return nil }
        return date(from: expiration)
    }

    private static func date(from value: JSONValue) -> Date? {
        switch value {
        case .integer(let seconds): Date(timeIntervalSince1970: TimeInterval(seconds))
        case .double(let seconds): Date(timeIntervalSince1970: seconds)
        default: nil
        }
    }

    private static func decodeBase64URL(_ text: String) -> Data? {
        let standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return BasicAuthField.decodeBase64(standard.trimmingCharacters(in: CharacterSet(charactersIn: "=")))
    }
}
