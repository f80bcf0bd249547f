// A CredentialProviderResponse read as a strict reading of the kubelet's credentialprovider.kubelet.k8s.io
// types would read it (v1, v1beta1, v1alpha1 share them): unknown fields refused, the apiVersion the
// kubelet asked in, a cacheKeyType it knows, cacheDuration as Go's time.ParseDuration parses it.
// Written apart from regcred's own code on purpose, so that a shared bug cannot hide.
import Foundation

struct KubeletProviderResponse {
    struct Entry: Equatable {
        var username: String
        var password: String
    }

    var cacheKeyType: String
    /// nil when the field is absent (the kubelet then uses the provider's defaultCacheDuration).
    var cacheDuration: Duration?
    var auth: [String: Entry]

    static let topLevelFields: Set = ["apiVersion", "kind", "cacheKeyType", "cacheDuration", "auth"]

    /// Decodes `data` as the kubelet does for a provider configured with `apiVersion`, or throws what it refuses.
    init(decoding data: Data, apiVersion: String) throws {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw Refusal("not a JSON object") }
        if let unknown = Set(object.keys).subtracting(Self.topLevelFields).sorted().first { throw Refusal("unknown field \"\(unknown)\"") }
        guard object["apiVersion"] as? String == apiVersion else {
            throw Refusal("apiVersion \(object["apiVersion"] ?? "none") is not the configured \(apiVersion)")
        }
        guard object["kind"] as? String == "CredentialProviderResponse" else { throw Refusal("kind is not CredentialProviderResponse") }
        guard let keyType = object["cacheKeyType"] as? String, ["Image", "Registry", "Global"].contains(keyType) else {
            throw Refusal("cacheKeyType \(object["cacheKeyType"] ?? "none") is not Image, Registry or Global")
        }
        cacheKeyType = keyType
        switch object["cacheDuration"] {
        case nil, is NSNull: cacheDuration = nil
        case let text as String: cacheDuration = try GoParseDuration.parse(text)
        default: throw Refusal("cacheDuration is not a string")
        }
        auth = [:]
        switch object["auth"] {
        case nil, is NSNull: break
        case let entries as [String: Any]:
            for (key, value) in entries {
                guard let fields = value as? [String: Any] else { throw Refusal("auth[\(key)] is not an object") }
                if let unknown = Set(fields.keys).subtracting(["username", "password"]).sorted().first {
                    throw Refusal("unknown field \"\(unknown)\" in auth[\(key)]")
                }
                // Go leaves a missing or null string field empty.
                func string(_ name: String) throws -> String {
                    switch fields[name] {
                    case nil, is NSNull: return ""
                    case let text as String: return text
                    default: throw Refusal("auth[\(key)].\(name) is not a string")
                    }
                }
                auth[key] = Entry(username: try string("username"), password: try string("password"))
            }
        default: throw Refusal("auth is not an object")
        }
    }

    struct Refusal: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// Go's `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, units ns us µs μs ms s m h, and the bare "0".
enum GoParseDuration {
    static let unitNanoseconds: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9,
    ]

    static func parse(_ text: String) throws -> Duration {
        var rest = Substring(text)
        var negative = false
        if let sign = rest.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { return .zero }
        guard !rest.isEmpty else { throw KubeletProviderResponse.Refusal("time: invalid duration \"\(text)\"") }
        var nanoseconds = 0.0
        while !rest.isEmpty {
            guard let first = rest.first, first == "." || first.isASCIIDigit else {
                throw KubeletProviderResponse.Refusal("time: invalid duration \"\(text)\"")
            }
            let whole = rest.prefix { $0.isASCIIDigit }
            rest = rest.dropFirst(whole.count)
            var fraction = Substring("")
            if rest.first == "." {
                rest = rest.dropFirst()
                fraction = rest.prefix { $0.isASCIIDigit }
                rest = rest.dropFirst(fraction.count)
            }
            guard !whole.isEmpty || !fraction.isEmpty else { throw KubeletProviderResponse.Refusal("time: invalid duration \"\(text)\"") }
            let unit = rest.prefix { $0 != "." && !$0.isASCIIDigit }
            rest = rest.dropFirst(unit.count)
            guard !unit.isEmpty else { throw KubeletProviderResponse.Refusal("time: missing unit in duration \"\(text)\"") }
            guard let scale = unitNanoseconds[String(unit)] else {
                throw KubeletProviderResponse.Refusal("time: unknown unit \"\(unit)\" in duration \"\(text)\"")
            }
            nanoseconds += (Double("\(whole.isEmpty ? "0" : whole).\(fraction.isEmpty ? "0" : fraction)") ?? 0) * scale
        }
        guard nanoseconds < 9.3e18 else { throw KubeletProviderResponse.Refusal("time: invalid duration \"\(text)\"") }
        return .nanoseconds(Int64(negative ? -nanoseconds : nanoseconds))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
