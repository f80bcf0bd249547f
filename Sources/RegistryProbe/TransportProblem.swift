// Sorting transport errors into the two the probe reports: no answer at all, or a TLS handshake
// that failed. The reading of NIO and async-http-client errors is NetworkFaults'.
import NIOCore
import NetworkFaults

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
        if error is NIOTooManyBytesError { return .unreachable("the answer is larger than 1 MiB") }
        let fault = TransportFault(classifying: error)
        guard fault.phase == .tls else { return .unreachable(fault.detail) }
        return .tls(fault.isPlainHTTPServer ? "\(fault.detail); plain HTTP needs --insecure-registry" : fault.detail)
    }
}
