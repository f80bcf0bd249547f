// `regcred status`: what the controller reports for every ClusterPullSecret.
import ArgumentParser
import Foundation
import KubernetesClient
import Operations

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every ClusterPullSecret: registries, namespaces synced/failed, readiness, expiry.")

    @Option(name: [.short, .customLong("output")], help: "Output format: table or json.")
    var output: ShowOutputFormat = .table

    @OptionGroup var kube: KubeOptions

    func run() async throws {
        let items = try await kube.connection.withClient { client in
            try await client.resource(ClusterPullSecret.self).listAll().items
        }
        Terminal.write(StatusReport.render(items, as: output, now: Date()))
    }
}
