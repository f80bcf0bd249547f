// CertificateDirectory: the serving certificate from files someone else keeps current: `tls.crt`
// and `tls.key` in one directory, the layout of a kubernetes.io/tls Secret mounted as a volume
// (cert-manager's Certificate). Polled, because the kubelet replaces a Secret volume's files by
// swapping a symlink, which inotify-style watches on the files themselves miss.
import Foundation
import Logging

public struct CertificateDirectory: Sendable {
    public static let certificateFile = "tls.crt"
    public static let keyFile = "tls.key"

    public var directory: URL
    /// How often the files are read again. The kubelet refreshes a Secret volume within about a
    /// minute, and cert-manager renews weeks before expiry, so seconds are plenty.
    public var interval: Duration

    public init(directory: URL, interval: Duration = .seconds(10)) {
        self.directory = directory
        self.interval = interval
    }

    /// Reads the pair once. A rotation that lands between reading the two files is caught by
    /// reading the certificate again: then `nil`, and the next poll reads a consistent pair.
    public func read() throws(ServingCertificateError) -> ServingCertificate? {
        let certificatePath = directory.appending(path: Self.certificateFile).path
        let keyPath = directory.appending(path: Self.keyFile).path
        func contents(_ path: String) throws(ServingCertificateError) -> String {
            guard let data = FileManager.default.contents(atPath: path) else { throw .missingFile(path) }
            return String(decoding: data, as: UTF8.self)
        }
        let certificate = try contents(certificatePath)
        let key = try contents(keyPath)
        guard try contents(certificatePath) == certificate else { return nil }
        return ServingCertificate(certificateChainPEM: certificate, privateKeyPEM: key, notAfter: try ServingCertificate.notAfter(ofPEM: certificate))
    }

    /// The certificate now and after every change, until the consumer stops listening. Problems
    /// (a missing or unreadable file) are logged once per distinct problem and retried.
    public func certificates(logger: Logger) -> AsyncStream<ServingCertificate> {
        let (stream, continuation) = AsyncStream.makeStream(of: ServingCertificate.self, bufferingPolicy: .bufferingNewest(1))
        let task = Task {
            var last: ServingCertificate?
            var lastProblem: ServingCertificateError?
            while !Task.isCancelled {
                do {
                    if let current = try read(), current != last {
                        // A pair that cannot make a TLS context is not handed on: the server keeps the
                        // one it has.
                        _ = try current.serverContext()
                        last = current
                        lastProblem = nil
                        continuation.yield(current)
                    }
                } catch {
                    let error = error as? ServingCertificateError ?? .rejected("\(error)")
                    if error != lastProblem {
                        logger.error("webhook certificate directory unusable", metadata: ["directory": "\(directory.path)", "error": "\(error)"])
                        lastProblem = error
                    }
                }
                try? await Task.sleep(for: interval)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
