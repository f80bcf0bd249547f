// How a probe run talks to registries: its timeout, which hosts may skip TLS verification or use
// plain HTTP, and an extra CA bundle to trust.
import RegcredCore

public struct ProbeConfiguration: Sendable, Hashable {
    /// Limit for each HTTP exchange (connect, TLS handshake and answer).
    public var timeout: Duration
    /// Hosts (`reg.example.com`, `127.0.0.1:5000`) whose certificates are not verified and
    /// which may be reached over plain HTTP, as docker's `insecure-registries`. A host
    /// without a port covers every port of that host.
    public var insecureRegistries: [String]
    /// A PEM file of CA certificates trusted in addition to the system's.
    public var caFile: String?
    public var userAgent: String

    public init(
        timeout: Duration = .seconds(10), insecureRegistries: [String] = [], caFile: String? = nil,
        userAgent: String = "regcred"
    ) {
        self.timeout = timeout
        self.insecureRegistries = insecureRegistries
        self.caFile = caFile
        self.userAgent = userAgent
    }

    /// Whether `host` (`host[:port]`) was named insecure. Entries may be written with a scheme
    /// or a trailing slash (`http://reg:5000/`); matching ignores case.
    public func isInsecure(host: String) -> Bool {
        let wanted = host.lowercased()
        let hostname = Self.hostname(of: wanted)
        return insecureRegistries.contains { entry in
            let normalised = Self.normalise(entry)
            // An entry without a port (its hostname is itself) covers every port of that host.
            return normalised == wanted || (normalised == hostname && Self.hostname(of: normalised) == normalised)
        }
    }

    static func normalise(_ entry: String) -> String {
        var text = entry.lowercased()
        for prefix in ["https://", "http://"] where text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        return BaseURL(text).text
    }

    /// `host` of `host[:port]`, keeping IPv6 brackets.
    static func hostname(of host: String) -> String {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") { return String(host[...close]) }
        return host.split(separator: ":", maxSplits: 1).first.map(String.init) ?? host
    }
}

/// Why a probe run could not be set up.
public enum ProbeConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    case unreadableCAFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableCAFile(let path, let reason):
            "cannot use --ca-file \(path): \(reason); give a PEM file with one or more CA certificates"
        }
    }
}
