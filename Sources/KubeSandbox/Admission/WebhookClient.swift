// WebhookClient: POSTs one AdmissionReview to one webhook the way the API server's webhook
// ClientManager does (util/webhook/client.go): HTTP/1.1 over TLS verified against the caBundle
// (system roots when empty), a `?timeout=Ns` query and a deadline of timeoutSeconds, a service
// reached as `<name>.<namespace>.svc` (TLS server name) at the address the test gave for it.
// Failures carry the text the real server puts after `failed calling webhook "X": `.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import NetworkFaults
import RegcredCore

struct WebhookClient: Sendable {
    /// Why a call did not produce a usable review: Go's `ErrCallingWebhook.Reason` text.
    struct CallFailure: Error, Sendable {
        var reason: String
    }

    /// service → loopback `host:port` (KubeSandbox.Options.webhookServices).
    let services: [KubeSandbox.WebhookService: String]

    /// `post` as the dispatcher's call: the answer, or why there is none.
    func outcome(of review: JSONValue, to hook: MutatingWebhook) async -> Result<JSONValue, CallFailure> {
        do { return .success(try await post(review, to: hook)) } catch { return .failure(error) }
    }

    func post(_ review: JSONValue, to hook: MutatingWebhook) async throws(CallFailure) -> JSONValue {
        let timeoutQuery = "?timeout=\(hook.timeoutSeconds)s"
        var configuration = HTTPClient.Configuration()
        configuration.httpVersion = .http1Only
        configuration.redirectConfiguration = .disallow
        // Go's client fails the call on the first refused connection; AHC would retry until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        var tls = TLSConfiguration.makeClientConfiguration()
        if !hook.caBundle.isEmpty {
            // A bundle that holds no certificate trusts nothing, as Go's AppendCertsFromPEM leaves an empty pool.
            let certificates = (try? NIOSSLCertificate.fromPEMBytes(Array(hook.caBundle))) ?? []
            tls.trustRoots = .certificates(certificates)
        }
        configuration.tlsConfiguration = tls

        // What the real server would name in its error (the service's own name and port) and
        // what this process connects to.
        let shownURL: String
        let requestURL: String
        let dialAddress: String
        switch hook.endpoint {
        case .url(let url):
            let components = URLComponents(string: url)
            let host = (components?.percentEncodedHost ?? "") + (components?.port.map { ":\($0)" } ?? "")
            shownURL = "\(components?.scheme ?? "https")://\(host)\(Self.joinedPath(components?.percentEncodedPath ?? ""))\(timeoutQuery)"
            requestURL = shownURL
            dialAddress = "\(components?.host ?? ""):\(components?.port ?? 443)"
        case .service(let namespace, let name, let port, let path):
            let serverName = "\(name).\(namespace).svc"
            shownURL = "https://\(serverName):\(port)\(Self.joinedPath(path))\(timeoutQuery)"
            guard let address = services[KubeSandbox.WebhookService(namespace: namespace, name: name, port: port)],
                  let colon = address.lastIndex(of: ":") else {
                throw CallFailure(reason: "failed to call webhook: Post \"\(shownURL)\": service \"\(name)\" not found")
            }
            configuration.dnsOverride = [serverName: String(address[..<colon])]
            dialAddress = address
            requestURL = "https://\(serverName):\(address[address.index(after: colon)...])\(Self.joinedPath(path))\(timeoutQuery)"
        }

        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let outcome = await Self.exchange(review, url: requestURL, deadline: NIODeadline.now() + .seconds(Int64(hook.timeoutSeconds)), client: client)
        try? await client.shutdown()
        let status: UInt
        let data: Data
        switch outcome {
        case .success(let answer): (status, data) = answer
        case .failure(let error):
            throw CallFailure(reason: "failed to call webhook: Post \"\(shownURL)\": \(Self.goTransportText(error, host: URLComponents(string: requestURL)?.host ?? "", dialAddress: dialAddress))")
        }
        guard (200..<300).contains(status) else {
            // client-go's reading of a non-2xx answer that is not a Status.
            let body = String(decoding: data, as: UTF8.self)
            throw CallFailure(reason: "failed to call webhook: an error on the server (\(FieldError.goQuoted(body))) has prevented the request from succeeding")
        }
        do {
            return try JSONValue(parsing: data)
        } catch {
            throw CallFailure(reason: "failed to call webhook: \(error.detail)")
        }
    }

    private static func exchange(_ review: JSONValue, url: String, deadline: NIODeadline, client: HTTPClient) async -> Result<(UInt, Data), any Error> {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, */*")
        request.body = .bytes(ByteBuffer(bytes: review.encoded()))
        do {
            let response = try await client.execute(request, deadline: deadline)
            let body = try await response.body.collect(upTo: 3 * 1024 * 1024)
            return .success((response.status.code, Data(body.readableBytesView)))
        } catch {
            return .failure(error)
        }
    }

    /// The path client-go's REST client posts to: Go's `path.Join("/", path)` ("/" when empty,
    /// no trailing or doubled slashes).
    static func joinedPath(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The transport error as Go's net/http and crypto/tls word it, for the cases a test meets.
    static func goTransportText(_ error: any Error, host: String, dialAddress: String) -> String {
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return "tls: failed to verify certificate: x509: certificate is not valid for \(host)"
        }
        let fault = TransportFault(classifying: error)
        switch fault.phase {
        case .timedOut:
            return "context deadline exceeded"
        case .tls where fault.detail.contains("CERTIFICATE_VERIFY_FAILED"):
            return "tls: failed to verify certificate: x509: certificate signed by unknown authority"
        case .connect where fault.detail == "connection refused":
            return "dial tcp \(dialAddress): connect: connection refused"
        case .connect where fault.detail == "connection timed out":
            return "context deadline exceeded"
        default:
            return fault.detail
        }
    }
}
