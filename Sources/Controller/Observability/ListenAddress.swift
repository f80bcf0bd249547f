// ListenAddress: a `host:port` flag value for the metrics and probe servers, read the way
// controller-runtime reads `--metrics-bind-address`: ":8080" means every interface, "[::1]:9090"
// an IPv6 address, port 0 a free port chosen by the kernel.

public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws(ListenAddressError) {
        guard let colon = text.lastIndex(of: ":") else { throw .missingPort(text) }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = Int(portText), (0...65535).contains(port) else { throw .badPort(text) }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { throw .badHost(text) }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw .badHost(text)
        }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public enum ListenAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingPort(String)
    case badPort(String)
    case badHost(String)

    public var description: String {
        switch self {
        case .missingPort(let text): "listen address \"\(text)\" has no port; write host:port or :port, e.g. :8080"
        case .badPort(let text): "listen address \"\(text)\" has no valid port (0–65535)"
        case .badHost(let text): "listen address \"\(text)\": write an IPv6 host in brackets, e.g. [::1]:8080"
        }
    }
}
