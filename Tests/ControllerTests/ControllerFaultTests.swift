// The controller under faults only KubeSandbox can inject: error storms, dropped watches, 410
// Gone, a restarted server. Everything converges, nothing foreign is touched, no secret is logged.
import Controller
import Foundation
import KubeSandbox
import KubernetesClient
import Operations
import RegcredCore
import TestPeers
import Testing

@Suite("Controller under faults", .serialized, .enabled(if: ControllerHarness.e2eKubeconfig == nil, "fault injection needs KubeSandbox"))
struct ControllerFaultTests {
    static let secretName = "regcred-pull"

    @Test("500s, 429s and 409 storms on writes: every namespace converges, foreign entries stay, nothing secret is logged")
    func errorStorms() async throws {
        try await ControllerHarness.run { cluster in
            let sandbox = try #require(cluster.sandbox)
            try await cluster.sourceSecret(password: "st0rm-token")
            var namespaces: [String] = []
            for index in 0..<6 { namespaces.append(try await cluster.namespace("n\(index)")) }
            for namespace in namespaces {
                try await eventually("\(namespace)'s default SA exists") { (try? await cluster.client.resource(ServiceAccount.self, namespace: namespace).get("default")) != nil }
            }
            let accounts = cluster.client.resource(ServiceAccount.self, namespace: namespaces[0])
            var account = try await accounts.get("default")
            account.imagePullSecrets = [LocalObjectReference(name: "foreign-entry")]
            _ = try await accounts.update(account)

            sandbox.faults.failNext(4, verb: "create", resource: "secrets", status: 500)
            sandbox.faults.failNext(2, verb: "create", resource: "secrets", status: 429, retryAfterSeconds: 1)
            sandbox.faults.failNext(6, verb: "patch", resource: "serviceaccounts", status: 409)
            _ = try await cluster.clusterPullSecret("storm", secretName: Self.secretName)
            let logs = CapturedLogs()
            try await cluster.withController(logger: logs.logger()) { _ in
                for namespace in namespaces {
                    try await eventually("\(namespace) converges") { await cluster.pullSecretNames(in: namespace)?.contains(Self.secretName) == true }
                    #expect(await cluster.secret(Self.secretName, in: namespace) != nil)
                }
            }
            #expect(await cluster.pullSecretNames(in: namespaces[0]) == ["foreign-entry", Self.secretName])
            for namespace in namespaces {
                #expect(await cluster.pullSecretNames(in: namespace)?.filter { $0 == Self.secretName }.count == 1, "no duplicate entries")
            }
            let encodedAuth = Data("robot:st0rm-token".utf8).base64EncodedString()
            #expect(!logs.all.isEmpty, "the injected failures are logged")
            for line in logs.all {
                #expect(!line.contains("st0rm-token") && !line.contains(encodedAuth), "secret in log line: \(line)")
            }
        }
    }

    @Test("dropped watches and 410 Gone: changes made meanwhile are still seen and repaired")
    func watchFaults() async throws {
        try await ControllerHarness.run { cluster in
            let sandbox = try #require(cluster.sandbox)
            try await cluster.sourceSecret(password: "w4tch-token")
            let apps = try await cluster.namespace("apps")
            _ = try await cluster.clusterPullSecret("watch", secretName: Self.secretName)
            try await cluster.withController { _ in
                try await eventually("apps is served") { await cluster.secret(Self.secretName, in: apps) != nil }
                await sandbox.faults.forceGoneOnNextWatch()
                await sandbox.faults.dropWatches()
                let late = try await cluster.namespace("late")
                try await cluster.client.resource(Secret.self, namespace: apps).delete(Self.secretName)
                try await eventually("the namespace created while watches were down is served") {
                    await cluster.pullSecretNames(in: late)?.contains(Self.secretName) == true
                }
                try await eventually("the secret deleted while watches were down is back") { await cluster.secret(Self.secretName, in: apps) != nil }
            }
        }
    }

    @Test("a server restart in the middle of a fan-out: all namespaces converge afterwards")
    func restartMidFanOut() async throws {
        try await ControllerHarness.run { cluster in
            let sandbox = try #require(cluster.sandbox)
            try await cluster.sourceSecret(password: "r3start-token")
            var namespaces: [String] = []
            for index in 0..<25 { namespaces.append(try await cluster.namespace("r\(index)")) }
            sandbox.faults.addLatency(.milliseconds(20), verb: "create", resource: "secrets")
            _ = try await cluster.clusterPullSecret("restart", secretName: Self.secretName)
            try await cluster.withController { _ in
                try await eventually("the fan-out has started") {
                    for namespace in namespaces where await cluster.secret(Self.secretName, in: namespace) != nil { return true }
                    return false
                }
                try await sandbox.restart()
                sandbox.faults.clear()
                for namespace in namespaces {
                    try await eventually("\(namespace) converges after the restart") {
                        await cluster.pullSecretNames(in: namespace)?.contains(Self.secretName) == true
                    }
                }
            }
        }
    }
}
