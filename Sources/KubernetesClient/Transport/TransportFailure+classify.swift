// Sorting the errors NIO and async-http-client throw into TransportFailure, by what matters for
// retrying: did the request possibly reach the server?
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

extension TransportFailure {
    static func classify(_ error: any Error) -> TransportFailure {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return .connectFailed(detail: "connection timed out")
            case .tlsHandshakeTimeout: return .connectFailed(detail: "TLS handshake timed out")
            case .readTimeout, .deadlineExceeded: return .timedOut
            case .remoteConnectionClosed: return .connectionLost(detail: "the server closed the connection")
            default: return .connectionLost(detail: "\(error)")
            }
        }
        if let error = error as? NIOConnectionError {
            let details = error.connectionErrors.map { describe($0.error) }
            if let dns = error.dnsAError ?? error.dnsAAAAError, details.isEmpty {
                return .connectFailed(detail: "cannot resolve host (\(dns))")
            }
            return .connectFailed(detail: Array(Set(details)).sorted().joined(separator: "; "))
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL:
                return .connectFailed(detail: describe(error))
            default:
                return .connectionLost(detail: describe(error))
            }
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .connectFailed(detail: "connection timed out")
        }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return .tls(detail: "\(error)")
        }
        return .connectionLost(detail: "\(error)")
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
