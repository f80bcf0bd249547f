// `scan`: reads a namespace or the whole cluster with paginated lists only (secrets, service
// accounts, pods, and the pod templates of Deployments, StatefulSets, DaemonSets, Jobs and
// CronJobs), lets RegcredCore's ClusterScan judge it, and renders the findings.
import Foundation
import KubernetesClient
import RegcredCore

public enum ScanCluster {
    /// The workload kinds whose pod templates are scanned, and where each keeps its template.
    static let workloads: [(resource: Resource, kind: String, template: [String])] = [
        (Resource(group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true), "deployment", ["spec", "template", "spec"]),
        (Resource(group: "apps", version: "v1", plural: "statefulsets", kind: "StatefulSet", namespaced: true), "statefulset", ["spec", "template", "spec"]),
        (Resource(group: "apps", version: "v1", plural: "daemonsets", kind: "DaemonSet", namespaced: true), "daemonset", ["spec", "template", "spec"]),
        (Resource(group: "batch", version: "v1", plural: "jobs", kind: "Job", namespaced: true), "job", ["spec", "template", "spec"]),
        (Resource(group: "batch", version: "v1", plural: "cronjobs", kind: "CronJob", namespaced: true), "cronjob", ["spec", "jobTemplate", "spec", "template", "spec"]),
    ]

    /// Scans one namespace, or every namespace when `allNamespaces`.
    public static func run(
        connection: ClusterConnection, allNamespaces: Bool, now: Date, kubelet: KubeletVersion = .newest
    ) async throws -> ClusterScanReport {
        var input = try await connection.withClient { client in
            try await read(client: client, namespace: allNamespaces ? nil : (connection.namespace ?? client.config.namespace), now: now)
        }
        input.kubeletVersion = kubelet
        return ClusterScan.scan(input)
    }

    /// Everything `scan` judges, from one paginated list per resource; `namespace` nil means all.
    public static func read(client: KubeClient, namespace: String?, now: Date) async throws -> ClusterScanInput {
        var namespaces: [String: ClusterScanInput.Namespace] = [:]
        func update(_ name: String?, _ change: (inout ClusterScanInput.Namespace) -> Void) {
            guard let name else { return }
            var entry = namespaces[name] ?? ClusterScanInput.Namespace(name: name, secrets: [:], serviceAccounts: [:], pods: [])
            change(&entry)
            namespaces[name] = entry
        }

        // Pull secrets keep their data; other secrets only their type and key names.
        let secrets = try await client.resource(Resource.secrets, as: Secret.self, namespace: namespace).listAll(keeping: { secret in
            let isPullSecret = DockerConfigFormat(secretType: secret.type ?? "Opaque") != nil
            return (secret.metadata.namespace, secret.metadata.name, PodPullObservations.observedSecret(secret, keepingData: isPullSecret))
        }).items
        for (secretNamespace, name, observed) in secrets {
            update(secretNamespace) { if let name { $0.secrets[name] = observed } }
        }
        let accounts = try await client.resource(Resource.serviceAccounts, as: ServiceAccount.self, namespace: namespace).listAll(keeping: {
            ($0.metadata.namespace, $0.metadata.name, $0.imagePullSecrets.map(\.name))
        }).items
        for (accountNamespace, name, list) in accounts {
            update(accountNamespace) { if let name { $0.serviceAccounts[name] = list } }
        }
        let pods = try await client.resource(Resource.pods, as: Pod.self, namespace: namespace).listAll(keeping: { pod in
            let owner = pod.metadata.ownerReferences.first { $0.controller == true } ?? pod.metadata.ownerReferences.first
            return (pod.metadata.namespace, ClusterScanInput.PodObservation(
                kind: "pod", name: pod.metadata.name ?? "<unnamed>", serviceAccount: pod.spec.serviceAccountName,
                pullSecrets: pod.spec.imagePullSecrets.map(\.name), containers: PodPullObservations.containers(of: pod),
                owner: owner.map { .init(kind: $0.kind, name: $0.name, podTemplateHash: pod.metadata.labels["pod-template-hash"]) }))
        }).items
        for (podNamespace, pod) in pods { update(podNamespace) { $0.pods.append(pod) } }

        for workload in workloads {
            let templates = try await client.resource(workload.resource, as: UnstructuredObject.self, namespace: namespace)
                .listAll(keeping: { object -> (String?, ClusterScanInput.PodObservation)? in
                    guard let json = object.raw.value(at: workload.template), let spec = try? PodSpec(json: json) else { return nil }
                    let template = Pod(metadata: ObjectMeta(), spec: spec)
                    return (object.metadata.namespace, ClusterScanInput.PodObservation(
                        kind: workload.kind, name: object.metadata.name ?? "<unnamed>", serviceAccount: spec.serviceAccountName,
                        pullSecrets: spec.imagePullSecrets.map(\.name), containers: PodPullObservations.containers(of: template)))
                }).items
            for case let (templateNamespace, template)? in templates { update(templateNamespace) { $0.pods.append(template) } }
        }
        // A namespace named with -n is scanned even when it holds nothing.
        if let namespace { update(namespace) { _ in } }
        // Which ClusterPullSecrets select each namespace: what regcred's pod webhook would add.
        // Best effort: without permission to read namespaces or ClusterPullSecrets, none.
        let namespaceObjects: [Namespace]
        if let namespace {
            namespaceObjects = (try? await client.resource(Namespace.self).get(namespace)).map { [$0] } ?? []
        } else {
            namespaceObjects = (try? await client.resource(Namespace.self).listAll().items) ?? []
        }
        for (name, offers) in await ClusterPullSecretOffers.read(client: client, namespaces: namespaceObjects) {
            if namespaces[name] != nil { update(name) { $0.injectionOffers = offers } }
        }
        return ClusterScanInput(namespaces: namespaces.keys.sorted().map { namespaces[$0]! }, now: now)
    }

    public static func render(_ report: ClusterScanReport, as format: ShowOutputFormat) -> String {
        switch format {
        case .json:
            return ReportJSON.render(ScanJSON(report: report))
        case .table:
            var text = ""
            if !report.findings.isEmpty {
                var table = TextTable(headers: ["SEVERITY", "NAMESPACE", "OBJECT", "CODE"])
                for finding in report.findings {
                    table.append([finding.severity.rawValue, finding.namespace, finding.object, finding.code])
                }
                text += table.rendered() + "\n"
                for finding in report.findings {
                    text += "\(finding.severity.rawValue): \(finding.namespace)/\(finding.object): \(finding.message)\n"
                    for command in finding.fix { text += "  fix: \(command)\n" }
                }
                text += "\n"
            }
            return text + report.summary + "\n"
        }
    }

    /// The `-o json` document: findings, counts and the summary line, keys sorted.
    struct ScanJSON: Encodable {
        let report: ClusterScanReport

        private enum CodingKeys: String, CodingKey { case scanned, findings, counts, summary, clean }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(report.scanned, forKey: .scanned)
            try container.encode(report.findings, forKey: .findings)
            try container.encode(
                Dictionary(uniqueKeysWithValues: ScanFinding.Severity.allCases.map { ($0.rawValue, report.count($0)) }), forKey: .counts)
            try container.encode(report.summary, forKey: .summary)
            try container.encode(report.findings.isEmpty, forKey: .clean)
        }
    }
}
