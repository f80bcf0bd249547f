// Passes over some namespaces: an event about one namespace makes a pass over that namespace
// alone, status still covers every namespace (from the ledger of earlier passes), and a pass that
// finds a new credential widens to every namespace. The reconciler is driven by hand here (no
// workers), so what one pass touched is observable.
@testable import Controller
import Foundation
import KubernetesClient
import Logging
import RegcredCore
import TestPeers
import Testing

@Suite("Passes over some namespaces", .serialized)
struct ScopedPassTests {
    static let secretName = "regcred-scoped"

    @Test("a pass over one namespace serves only it, counts every namespace, and widens when the credential changed")
    func scopedPasses() async throws {
        try await ControllerHarness.run { cluster in
            try await cluster.sourceSecret(password: "first-t0ken")
            let a = try await cluster.namespace("a")
            let b = try await cluster.namespace("b")
            let name = try await cluster.clusterPullSecret("scoped", secretName: Self.secretName)
            var logger = Logger(label: "regcred.test")
            logger.logLevel = .warning
            let controller = PullSecretController(
                client: cluster.client, controllerNamespace: cluster.controllerNamespace, catalog: ProfileCatalog(),
                metrics: ControllerMetrics(), identity: "test", selector: cluster.clusterPullSecretSelector,
                statusInterval: .zero, recordEvents: false, logger: logger)  // status read right after each pass
            await controller.registerHandlers()  // events queue work no worker takes; only the calls below reconcile
            let informers = Task { await controller.runInformers() }
            defer { informers.cancel() }
            await controller.caches.waitUntilSynced()
            let first = try DockerConfig.basic(registries: ["ghcr.io"], username: "robot", password: "first-t0ken").encoded()
            let second = try DockerConfig.basic(registries: ["ghcr.io"], username: "robot", password: "second-t0ken").encoded()

            // The first pass is a full one, whatever it was asked for: there is no ledger yet.
            for namespace in [a, b] {
                try await eventually("the default SA of \(namespace) is cached") {
                    await controller.caches.serviceAccounts.get(namespace: namespace, name: "default") != nil
                }
            }
            _ = try await controller.reconciler.reconcile(name: name, scope: .namespace(a))
            #expect(await cluster.secret(Self.secretName, in: b)?.data[".dockerconfigjson"] == first)
            #expect(await cluster.status(name)?.namespaces == NamespaceCounts(targeted: 2, synced: 2, failed: 0))

            let c = try await cluster.namespace("c")
            let d = try await cluster.namespace("d")
            for namespace in [c, d] {
                try await eventually("the default SA of \(namespace) is cached") {
                    await controller.caches.serviceAccounts.get(namespace: namespace, name: "default") != nil
                }
            }
            let outcome = try await controller.reconciler.reconcile(name: name, scope: .namespace(c))
            guard case .done = outcome else { Issue.record("the pass over \(c) should be done: \(outcome)"); return }
            #expect(await cluster.secret(Self.secretName, in: c)?.data[".dockerconfigjson"] == first)
            #expect(await cluster.pullSecretNames(in: c)?.contains(Self.secretName) == true)
            #expect(await cluster.secret(Self.secretName, in: d) == nil, "a pass over c must not touch d")
            #expect(await cluster.status(name)?.namespaces == NamespaceCounts(targeted: 3, synced: 3, failed: 0))

            _ = try await controller.reconciler.reconcile(name: name, scope: .namespace(d))
            #expect(await cluster.secret(Self.secretName, in: d) != nil)
            #expect(await cluster.status(name)?.namespaces == NamespaceCounts(targeted: 4, synced: 4, failed: 0))

            // A new credential: a pass asked for one namespace writes it to all of them.
            try await cluster.sourceSecret(password: "second-t0ken")
            try await eventually("the new source secret is cached") {
                await controller.caches.sourceSecrets.get(namespace: cluster.controllerNamespace, name: "registry-token")?
                    .data["password"] == Data("second-t0ken".utf8)
            }
            _ = try await controller.reconciler.reconcile(name: name, scope: .namespace(a))
            for namespace in [a, b, c, d] {
                #expect(await cluster.secret(Self.secretName, in: namespace)?.data[".dockerconfigjson"] == second, "\(namespace)")
            }

            // A namespace that left the selection leaves the counts with the pass over it.
            var leaving = try await cluster.client.resource(Namespace.self).get(d)
            leaving.metadata.labels["regcred-e2e"] = nil
            _ = try await cluster.client.resource(Namespace.self).update(leaving)
            try await eventually("the label change is cached") {
                await controller.caches.namespaces.get(namespace: nil, name: d)?.labels["regcred-e2e"] == nil
            }
            _ = try await controller.reconciler.reconcile(name: name, scope: .namespace(d))
            #expect(await cluster.secret(Self.secretName, in: d) == nil, "regcred removes its secret from a namespace it no longer serves")
            #expect(await cluster.status(name)?.namespaces == NamespaceCounts(targeted: 3, synced: 3, failed: 0))
        }
    }
}
