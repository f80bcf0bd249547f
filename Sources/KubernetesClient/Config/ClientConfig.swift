// ClientConfig: everything needed to talk to one API server (URL, trust, credentials, default
// namespace, rate limits, timeouts), however it was found: kubeconfig or in-cluster.
import Foundation
import RegcredCore

public struct ClientConfig: Sendable, Equatable {
    /// `https://host:port`, without a trailing slash.
    public var server: String
    /// PEM bytes of the CA bundle to trust; `nil` trusts the system roots.
    public var certificateAuthorityPEM: Data?
    public var insecureSkipTLSVerify: Bool
    /// Name to verify the server's certificate against (and send as SNI), if not the URL host.
    public var tlsServerName: String?
    public var credentials: ClientCredentials
    /// The context's namespace, or `default`.
    public var namespace: String
    /// Client-side rate limit: sustained requests per second (≤ 0 disables) and burst, as client-go's
    /// defaults of 5 and 10. Watches are not limited.
    public var qps: Double
    public var burst: Int
    /// Deadline of one attempt of a non-watch request.
    public var requestTimeout: Duration
    public var userAgent: String
    /// Where this came from, for messages: `kubeconfig /home/me/.kube/config, context kind-dev`.
    public var origin: String
    /// Cluster facts an exec plugin may ask for (`provideClusterInfo`).
    public var execClusterInfo: ExecClusterInfo?

    public init(server: String, certificateAuthorityPEM: Data? = nil, insecureSkipTLSVerify: Bool = false,
                tlsServerName: String? = nil, credentials: ClientCredentials = .none, namespace: String = "default",
                qps: Double = 5, burst: Int = 10, requestTimeout: Duration = .seconds(30),
                userAgent: String = "regcred", origin: String = "") {
        self.server = BaseURL(server).text
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.credentials = credentials
        self.namespace = namespace
        self.qps = qps
        self.burst = burst
        self.requestTimeout = requestTimeout
        self.userAgent = userAgent
        self.origin = origin
    }
}
