// Sending a request: rate limit, credentials, one attempt, then let RetryPolicy decide; a 401
// gets one more try with fresh credentials. Watches open a stream instead and are not limited.
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RegcredCore

extension KubeClient {
    /// Sends `request` and returns the 2xx answer, or throws KubeAPIError / AuthenticationError.
    public func send(_ request: KubeRequest) async throws -> KubeResponse {
        var attempt = 0
        var refreshedCredentials = false
        while true {
            attempt += 1
            try Task.checkCancellation()
            try await rateLimiter.acquire()
            let applied = try await authenticator.current()
            let started = clock.now()
            let outcome: RequestOutcome
            var answer: KubeResponse?
            do {
                let response = try await perform(request, applied: applied)
                answer = response
                outcome = .response(status: response.status, retryAfter: RetryPolicy.retryAfter(header: response.header("Retry-After")))
            } catch {
                if Task.isCancelled { throw CancellationError() }
                outcome = .transportFailure(.classify(error))
            }
            requestObserver?(request.verb.rawValue, answer?.status ?? 0)
            logger.debug("kubernetes request", metadata: [
                "verb": "\(request.verb.rawValue)", "path": "\(request.path)", "attempt": "\(attempt)",
                "result": "\(Self.describe(outcome))", "elapsed": "\(clock.now() - started)",
            ])
            if answer?.status == 401, !refreshedCredentials, await authenticator.canRefresh {
                // Exec tokens and projected tokens expire early sometimes; fetch anew once.
                refreshedCredentials = true
                await authenticator.rejected(applied)
                attempt -= 1
                continue
            }
            switch retryPolicy.decide(verb: request.verb, outcome: outcome, attempt: attempt, random: clock.random()) {
            case .retry(let delay):
                logger.info("retrying kubernetes request", metadata: [
                    "operation": "\(request.operation)", "after": "\(delay)", "because": "\(Self.describe(outcome))",
                ])
                try await clock.sleep(delay)
            case .finish:
                if let answer {
                    if (200..<300).contains(answer.status) { return answer }
                    throw apiError(status: answer.status, body: answer.body, operation: request.operation)
                }
                if case .transportFailure(let failure) = outcome {
                    throw KubeAPIError.from(transport: failure, operation: request.operation, server: config.server)
                }
            }
        }
    }

    /// Opens a streaming response (watch). Not rate limited and not retried here: the watch
    /// loop owns reconnection. A non-200 answer is thrown as KubeAPIError.
    func openStream(_ request: KubeRequest) async throws -> HTTPClientResponse {
        var refreshedCredentials = false
        while true {
            let applied = try await authenticator.current()
            let response: HTTPClientResponse
            do {
                response = try await http.execute(
                    makeHTTPRequest(request, applied: applied),
                    deadline: .now() + Self.timeAmount(request.timeout ?? .seconds(3600)), logger: nil)
            } catch {
                if Task.isCancelled { throw CancellationError() }
                throw KubeAPIError.from(transport: .classify(error), operation: request.operation, server: config.server)
            }
            let status = Int(response.status.code)
            if status == 200 { return response }
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { Data($0.readableBytesView) } ?? Data()
            if status == 401, !refreshedCredentials, await authenticator.canRefresh {
                refreshedCredentials = true
                await authenticator.rejected(applied)
                continue
            }
            throw apiError(status: status, body: body, operation: request.operation)
        }
    }

    private func perform(_ request: KubeRequest, applied: Authenticator.Applied) async throws -> KubeResponse {
        let timeout = request.timeout ?? config.requestTimeout
        let response = try await http.execute(makeHTTPRequest(request, applied: applied), deadline: .now() + Self.timeAmount(timeout), logger: nil)
        let body = try await response.body.collect(upTo: 256 << 20)
        return KubeResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Data(body.readableBytesView))
    }

    private func makeHTTPRequest(_ request: KubeRequest, applied: Authenticator.Applied) -> HTTPClientRequest {
        var http = HTTPClientRequest(url: requestBase + request.target)
        http.method = HTTPMethod(rawValue: request.method.rawValue)
        http.headers.add(name: "Accept", value: "application/json")
        http.headers.add(name: "User-Agent", value: config.userAgent)
        if let authorization = applied.authorization { http.headers.add(name: "Authorization", value: authorization.value) }
        if let body = request.body {
            http.headers.add(name: "Content-Type", value: request.contentType ?? "application/json")
            http.body = .bytes(ByteBuffer(bytes: body))
        }
        if let tls = applied.tlsOverride { http.tlsConfiguration = tls }
        return http
    }

    func apiError(status: Int, body: Data, operation: String) -> KubeAPIError {
        let parsed = (try? JSONValue(parsing: body)).flatMap(Status.decodeIfStatus)
        return KubeAPIError.from(code: status, status: parsed, operation: operation, server: config.server)
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let parts = duration.components
        return .nanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
    }

    static func describe(_ outcome: RequestOutcome) -> String {
        switch outcome {
        case .response(let status, _): "HTTP \(status)"
        case .transportFailure(let failure): "\(failure)"
        }
    }
}
