// Sorting transport errors into TransportFailure, by what matters for retrying: did the request
// possibly reach the server? The reading of NIO and async-http-client errors is NetworkFaults'.
import NetworkFaults

extension TransportFailure {
    static func classify(_ error: any Error) -> TransportFailure {
        let fault = TransportFault(classifying: error)
        switch fault.phase {
        case .connect: return .connectFailed(detail: fault.detail)
        case .tls: return .tls(detail: fault.detail)
        case .timedOut: return .timedOut
        case .connectionLost: return .connectionLost(detail: fault.detail)
        }
    }
}
