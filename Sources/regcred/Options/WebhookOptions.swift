// `--webhook-bind-address` and `--webhook-cert-dir`: the pod admission webhook of `regcred
// controller`, off unless an address is given.
import ArgumentParser
import Controller
import Foundation

struct WebhookOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Serve the pod admission webhook (HTTPS, POST /mutate-pods) here, e.g. :9443; off unless given. Every replica serves it, leader or not.",
            valueName: "host:port"))
    var webhookBindAddress: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Serve the webhook with tls.crt and tls.key from this directory (a mounted kubernetes.io/tls Secret, e.g. cert-manager's), re-read when they change; without it the controller keeps its own CA and certificate.",
            valueName: "directory"))
    var webhookCertDir: String?

    func validate() throws {
        if let webhookBindAddress {
            do { _ = try ListenAddress(parsing: webhookBindAddress) } catch { throw ValidationError("--webhook-bind-address: \(error)") }
        } else if webhookCertDir != nil {
            throw ValidationError("--webhook-cert-dir is only used with --webhook-bind-address; give both to serve the pod webhook")
        }
    }

    /// The address, when the webhook is on.
    func address() throws -> ListenAddress? {
        try webhookBindAddress.map { try ListenAddress(parsing: $0) }
    }

    /// The certificate files to serve, when given; otherwise the controller's own CA serves
    /// (WebhookCertificateOptions).
    var certificateDirectory: CertificateDirectory? {
        webhookCertDir.map { CertificateDirectory(directory: URL(fileURLWithPath: $0)) }
    }
}
