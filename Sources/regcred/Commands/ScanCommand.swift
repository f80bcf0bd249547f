// `regcred scan`: which workloads of a namespace or the whole cluster will fail their next pull,
// and why, with the command that fixes each finding.
import ArgumentParser
import Foundation
import Operations
import RegcredCore

extension ScanFinding.Severity: ExpressibleByArgument {}

struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Audit a namespace or the whole cluster: which workloads will fail their next pull, and why.",
        discussion: """
            Reads pull secrets, service accounts, pods and the pod templates of Deployments, \
            StatefulSets, DaemonSets, Jobs and CronJobs with paginated lists (no per-object reads; \
            RBAC: get/list on those, see docs/scan.md), reads every secret as the kubelet does and \
            judges every pod and template as `regcred doctor` does. Reports secrets the kubelet \
            refuses (and the pods that breaks), auth disagreeing with username/password, expired and \
            soon-expiring tokens, images no credential serves, references to missing or wrong-type \
            secrets, pods created before their service account got its pull secrets, service accounts \
            naming missing secrets, and pull secrets nothing references. Each finding carries the \
            command that fixes it.

            Exits 0 when nothing at --severity or above is found, 1 otherwise. `-o json` is stable \
            for CI: findings sorted by namespace, object and code.
            """)

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Scan every namespace.")
    var allNamespaces = false

    @OptionGroup var kube: KubeOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: table or json.")
    var output: ShowOutputFormat = .table

    @Option(name: .long, help: "Report findings of this severity and above: info, warning or error.")
    var severity: ScanFinding.Severity = .info

    @Option(name: .long, help: ArgumentHelp("The kubelet whose matching rules to apply: \(KubeletVersion.allCases.map(\.rawValue).joined(separator: " or ")).", valueName: "version"))
    var kubeletVersion: KubeletVersion = .newest

    func validate() throws {
        if allNamespaces, kube.namespace != nil { throw ValidationError("give either -A or -n NAMESPACE, not both") }
    }

    func run() async throws {
        let report = try await ScanCluster.run(connection: kube.connection, allNamespaces: allNamespaces, now: Date(), kubelet: kubeletVersion)
            .filtered(minimum: severity)
        Terminal.write(ScanCluster.render(report, as: output))
        if !report.findings.isEmpty {
            throw CheckFailed("\(report.findings.count) \(report.findings.count == 1 ? "finding" : "findings") at severity \(severity) or above (see above)")
        }
    }
}
