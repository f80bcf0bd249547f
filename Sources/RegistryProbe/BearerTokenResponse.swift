// Reading a token service's answer: distribution's token spec names the field `token`, OAuth2
// clients expect `access_token`; registries send either or both.
import Foundation
import RegcredCore

enum BearerTokenResponse {
    /// The token from a JSON body, preferring `token`; nil when neither field holds a non-empty string.
    static func token(in body: Data) -> String? {
        guard let document = try? JSONValue(parsing: body) else { return nil }
        for field in ["token", "access_token"] {
            if let token = document[field]?.stringValue, !token.isEmpty { return token }
        }
        return nil
    }
}
