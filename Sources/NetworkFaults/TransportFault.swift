/// NetworkFaults: what went wrong below HTTP, read from the errors async-http-client, NIO and
/// NIOSSL throw. One reading for every module that makes HTTP calls (the Kubernetes client,
/// credential sources, the registry probe), each of which maps it onto its own error type.
import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

public struct TransportFault: Error, Sendable, Hashable, CustomStringConvertible {
    /// How far the exchange got: what a caller needs to decide whether a retry is safe.
    public enum Phase: Sendable, Hashable {
        /// The request never reached the server: name resolution, connection refused or timed
        /// out, the TLS handshake timed out.
        case connect
        /// The TLS handshake was refused: an untrusted certificate, or no TLS on the other side.
        case tls
        /// No answer in time after the request was sent; the server may have acted on it.
        case timedOut
        /// The connection broke after the request was sent.
        case connectionLost
    }

    public var phase: Phase
    /// A sentence for users: "connection refused", "the server's certificate is not trusted".
    public var detail: String

    public init(phase: Phase, detail: String) {
        self.phase = phase
        self.detail = detail
    }

    public var description: String { detail }

    public init(classifying error: any Error) {
        if let error = error as? TransportFault {
            self = error
            return
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: self.init(phase: .connect, detail: "connection timed out")
            case .tlsHandshakeTimeout: self.init(phase: .connect, detail: "TLS handshake timed out")
            case .readTimeout, .deadlineExceeded: self.init(phase: .timedOut, detail: "no answer in time")
            case .remoteConnectionClosed: self.init(phase: .connectionLost, detail: "the server closed the connection")
            default: self.init(phase: .connectionLost, detail: "\(error)")
            }
            return
        }
        if let error = error as? NIOConnectionError {
            if let dns = error.dnsAError ?? error.dnsAAAAError, error.connectionErrors.isEmpty {
                self.init(phase: .connect, detail: "cannot resolve \(error.host) (\(dns))")
                return
            }
            let details = Set(error.connectionErrors.map { Self.describe($0.error) }).sorted()
            self.init(phase: .connect, detail: details.isEmpty ? "cannot connect to \(error.host)" : details.joined(separator: "; "))
            return
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL: self.init(phase: .connect, detail: Self.describe(error))
            default: self.init(phase: .connectionLost, detail: Self.describe(error))
            }
            return
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            self.init(phase: .connect, detail: "connection timed out")
            return
        }
        if let error = error as? NIOSSLError {
            self.init(phase: .tls, detail: Self.describe(error))
            return
        }
        if error is NIOSSLExtraError || error is BoringSSLError {
            self.init(phase: .tls, detail: "\(error)")
            return
        }
        self.init(phase: .connectionLost, detail: "\(error)")
    }

    /// The handshake said the other side speaks plain HTTP, not TLS.
    public var isPlainHTTPServer: Bool { phase == .tls && detail.contains("WRONG_VERSION_NUMBER") }

    private static func describe(_ error: NIOSSLError) -> String {
        if case .handshakeFailed(let inner) = error {
            let text = "\(inner)"
            if text.contains("CERTIFICATE_VERIFY_FAILED") { return "the server's certificate is not trusted (CERTIFICATE_VERIFY_FAILED)" }
            if text.contains("WRONG_VERSION_NUMBER") { return "the server does not speak TLS (WRONG_VERSION_NUMBER)" }
            return "TLS handshake failed: \(text)"
        }
        return "\(error)"
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? IOError else { return "\(error)" }
        switch error.errnoCode {
        case ECONNREFUSED: return "connection refused"
        case EHOSTUNREACH: return "host unreachable"
        case ENETUNREACH: return "network unreachable"
        case ECONNRESET: return "connection reset by peer"
        default: return String(cString: strerror(error.errnoCode))
        }
    }
}
