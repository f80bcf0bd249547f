// Everything a source may touch outside itself, passed in so tests control all of it.
import AsyncHTTPClient
import Foundation

public struct SourceContext: Sendable {
    public var http: HTTPClient
    /// The process environment (AWS_*, GCE_METADATA_HOST, AZURE_*, …); tests pass their own.
    public var environment: [String: String]
    public var secrets: SourceSecrets
    public var now: @Sendable () -> Date
    /// Reads token files and shared config files (AWS_WEB_IDENTITY_TOKEN_FILE, ~/.aws/credentials, …).
    public var readFile: @Sendable (String) throws -> Data
    /// Per-request timeout for provider calls.
    public var timeout: Duration
    /// Where the source's settings come from, so that errors name the field, flag or file to change.
    public var settings: SourceSettings

    public init(
        http: HTTPClient, environment: [String: String] = ProcessInfo.processInfo.environment,
        secrets: @escaping SourceSecrets = { _ in nil }, now: @escaping @Sendable () -> Date = Date.init,
        readFile: @escaping @Sendable (String) throws -> Data = { try Data(contentsOf: URL(fileURLWithPath: $0)) },
        timeout: Duration = .seconds(20), settings: SourceSettings = .clusterPullSecret
    ) {
        self.http = http
        self.environment = environment
        self.secrets = secrets
        self.now = now
        self.readFile = readFile
        self.timeout = timeout
        self.settings = settings
    }
}

extension SourceContext {
    /// Environment that points every provider's instance-metadata default at a closed loopback
    /// port (AWS IMDS off, GCE metadata host, Azure IMDS host), for processes that must never
    /// reach a link-local or cloud address: tests, benchmarks, the demo.
    public static let metadataDisabledEnvironment: [String: String] = [
        "AWS_EC2_METADATA_DISABLED": "true",
        "GCE_METADATA_HOST": "127.0.0.1:1",
        "AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:1",
    ]
}
