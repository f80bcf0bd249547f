// WebhookObjectNames: the fixed names of the pod admission webhook's objects. Fixed so that RBAC
// grants them by resourceNames, and shared by the controller's flags, `regcred rbac --webhook`,
// the plain manifests and the chart.

public struct WebhookObjectNames: Sendable, Equatable {
    /// The MutatingWebhookConfiguration whose caBundle the controller keeps (cluster-scoped).
    public var configuration: String
    /// The Secret holding the self-managed CA and serving certificate (controller namespace).
    public var secret: String
    /// The Service the API server calls the webhook through (controller namespace).
    public var service: String

    public init(configuration: String = "regcred", secret: String = "regcred-webhook-tls", service: String = "regcred-webhook") {
        self.configuration = configuration
        self.secret = secret
        self.service = service
    }

    public static let standard = WebhookObjectNames()
}
