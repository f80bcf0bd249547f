// Sorting the errors async-http-client, NIO and NIOSSL throw into the two the probe reports:
// no answer at all, or a TLS handshake that failed.
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

enum TransportProblem: Error {
    case unreachable(String)
    case tls(String)

    var result: ProbeResult {
        switch self {
        case .unreachable(let detail): .unreachable(detail)
        case .tls(let detail): .tlsFailure(detail)
        }
    }

    static func classify(_ error: any Error) -> TransportProblem {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return .unreachable("connection timed out")
            case .tlsHandshakeTimeout: return .tls("TLS handshake timed out")
            case .readTimeout, .deadlineExceeded: return .unreachable("no answer in time")
            case .remoteConnectionClosed: return .unreachable("the server closed the connection")
            default: return .unreachable("\(error)")
            }
        }
        if let error = error as? NIOConnectionError {
            if let dns = error.dnsAError ?? error.dnsAAAAError, error.connectionErrors.isEmpty {
                return .unreachable("cannot resolve \(error.host) (\(dns))")
            }
            let details = Set(error.connectionErrors.map { describe($0.error) }).sorted()
            return .unreachable(details.isEmpty ? "cannot connect to \(error.host)" : details.joined(separator: "; "))
        }
        if let error = error as? IOError { return .unreachable(describe(error)) }
        if error is NIOTooManyBytesError { return .unreachable("the answer is larger than 1 MiB") }
        if let error = error as? ChannelError, case .connectTimeout = error { return .unreachable("connection timed out") }
        if let error = error as? NIOSSLError { return .tls(describe(error)) }
        if let error = error as? NIOSSLExtraError { return .tls("\(error)") }
        if error is BoringSSLError { return .tls("\(error)") }
        return .unreachable("\(error)")
    }

    private static func describe(_ error: NIOSSLError) -> String {
        if case .handshakeFailed(let inner) = error {
            let text = "\(inner)"
            if text.contains("CERTIFICATE_VERIFY_FAILED") { return "the server's certificate is not trusted (CERTIFICATE_VERIFY_FAILED)" }
            if text.contains("WRONG_VERSION_NUMBER") { return "the server does not speak TLS (WRONG_VERSION_NUMBER); plain HTTP needs --insecure-registry" }
            return "handshake failed: \(text)"
        }
        return "\(error)"
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case EHOSTUNREACH: return "host unreachable"
            case ENETUNREACH: return "network unreachable"
            case ECONNRESET: return "connection reset by peer"
            default: return String(cString: strerror(error.errnoCode))
            }
        }
        return "\(error)"
    }
}
