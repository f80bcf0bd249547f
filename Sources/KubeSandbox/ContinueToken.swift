// ContinueToken: the opaque list continuation, encoded as the real server does (base64 of
// {"v":"meta.k8s.io/v1","rv":N,"start":"<key>"}) so clients treat it as opaque.
import Foundation
import RegcredCore

struct ContinueToken: Sendable {
    var resourceVersion: Int
    var start: String

    var encoded: String {
        let json: JSONValue = .object(["v": .string("meta.k8s.io/v1"), "rv": .integer(Int64(resourceVersion)), "start": .string(start)])
        return json.encoded().base64EncodedString()
    }

    init(resourceVersion: Int, start: String) {
        self.resourceVersion = resourceVersion
        self.start = start
    }

    init(decoding token: String) throws(APIError) {
        var padded = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while padded.count % 4 != 0 { padded += "=" }
        guard let data = Data(base64Encoded: padded), let value = try? JSONValue(parsing: data),
              value["v"]?.stringValue == "meta.k8s.io/v1", let start = value["start"]?.stringValue else {
            throw APIError.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        }
        self.resourceVersion = Int(value["rv"]?.integerValue ?? 0)
        self.start = start
    }
}
