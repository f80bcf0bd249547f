// The names of the pod admission webhook's objects: its Service (whose DNS names the self-managed
// serving certificate carries), its MutatingWebhookConfiguration (whose caBundle the controller
// keeps) and the Secret holding the CA and serving certificate. Defaults match deploy/ and the
// chart; the names are fixed so that RBAC grants them by resourceNames.
import ArgumentParser
import Controller
import KubernetesClient
import Logging
import Operations

struct WebhookCertificateOptions: ParsableArguments {
    @Option(name: .long, help: "The webhook's Service in the controller's namespace; the self-managed serving certificate is issued for its DNS names.")
    var webhookServiceName = WebhookObjectNames.standard.service

    @Option(name: .long, help: "The MutatingWebhookConfiguration whose caBundle the controller keeps (self-managed certificates).")
    var webhookConfigurationName = WebhookObjectNames.standard.configuration

    @Option(name: .long, help: "The Secret in the controller's namespace holding the webhook's CA and serving certificate (self-managed certificates).")
    var webhookSecretName = WebhookObjectNames.standard.secret

    var names: WebhookObjectNames {
        WebhookObjectNames(configuration: webhookConfigurationName, secret: webhookSecretName, service: webhookServiceName)
    }

    func validate() throws {
        for (flag, value) in [("--webhook-service-name", webhookServiceName), ("--webhook-configuration-name", webhookConfigurationName),
                              ("--webhook-secret-name", webhookSecretName)] where !Self.isDNSName(value) {
            throw ValidationError("\(flag) \"\(value)\" is not a valid object name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters")
        }
        if !Self.isDNSLabel(webhookServiceName) {
            throw ValidationError("--webhook-service-name \"\(webhookServiceName)\" must be a DNS label (at most 63 characters, no '.'), as Service names are")
        }
    }

    /// The self-managed certificate source's settings in `namespace` (the controller's).
    func settings(namespace: String) -> WebhookCertificateSettings {
        WebhookCertificateSettings(namespace: namespace, secretName: webhookSecretName, serviceName: webhookServiceName,
                                   webhookConfigurationName: webhookConfigurationName)
    }

    /// The self-managed certificate source (the default when the webhook is on and no
    /// --webhook-cert-dir is given): run it as a Service beside the webhook server, which reads
    /// its `certificates`.
    func selfManaged(client: KubeClient, namespace: String, logger: Logger) -> SelfManagedWebhookCertificates {
        SelfManagedWebhookCertificates(client: client, settings: settings(namespace: namespace), logger: logger)
    }

    static func isDNSLabel(_ value: String) -> Bool { value.count <= 63 && !value.contains(".") && isDNSName(value) }

    static func isDNSName(_ value: String) -> Bool {
        guard !value.isEmpty, value.count <= 253 else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-.")
        guard value.allSatisfy(allowed.contains), let first = value.first, let last = value.last else { return false }
        return first.isLetter || first.isNumber ? (last.isLetter || last.isNumber) : false
    }
}
