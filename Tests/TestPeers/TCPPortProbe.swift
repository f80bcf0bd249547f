// Waits until something accepts TCP connections on 127.0.0.1:PORT.
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

public enum TCPPortProbe {
    /// True if a TCP connection to 127.0.0.1:`port` is accepted right now.
    public static func accepts(port: Int) -> Bool {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = LoopbackAddress.make(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }

    /// Polls until the port accepts (true), `stillStarting` turns false, or a generous
    /// `limit` passes (false). The limit guards against a hung test, nothing more.
    public static func waitUntilAccepting(
        port: Int, limit: Duration = .seconds(60), stillStarting: () -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while ContinuousClock.now < deadline {
            if accepts(port: port) { return true }
            guard stillStarting() else { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
