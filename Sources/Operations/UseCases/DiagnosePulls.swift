// `doctor`: why a pod can or cannot pull its images. Gathers observations (cluster or files),
// lets RegcredCore's PullDiagnoser decide, optionally asks the registry, and renders the result.
import Foundation
import KubernetesClient
import RegcredCore

/// A registry's answer to one credential, as the RegistryProbe module reports it.
public enum ProbeOutcome: Sendable, Equatable {
    case ok
    case rejected
    case unreachable(String)
    case noPullPermission
    case other(String)

    var verification: PullVerification {
        switch self {
        case .ok: .accepted
        case .rejected: .rejected
        case .noPullPermission: .noPullPermission
        case .unreachable(let detail): .inconclusive("unreachable: \(detail)")
        case .other(let detail): .inconclusive(detail)
        }
    }
}

/// Probes one credential for one image: (registry key, username, password, fully qualified image).
public typealias PullCredentialProbe =
    @Sendable (_ registryKey: String, _ username: String, _ password: Redacted<String>, _ image: String) async throws -> ProbeOutcome

/// Why `doctor` could not run.
public enum DoctorInputError: UserFacingError, Equatable {
    case noPodManifestOrImage
    case unsupportedManifest(file: String, kind: String)

    public var kind: FailureKind {
        switch self {
        case .noPodManifestOrImage: .usage
        case .unsupportedManifest: .invalidInput
        }
    }

    public var description: String {
        switch self {
        case .noPodManifestOrImage:
            "the files hold no pod (or workload) manifest; name the images to check with --image REF"
        case .unsupportedManifest(let file, let kind):
            "\(file): kind \(kind) is neither a Secret nor a Pod or workload manifest (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob)"
        }
    }
}

public enum DiagnosePulls {
    public static func inCluster(
        connection: ClusterConnection, target: DoctorTarget, now: Date, probe: PullCredentialProbe?, kubelet: KubeletVersion = .newest
    ) async throws -> PullDiagnosis {
        var input = try await connection.withClient { client in
            try await PodPullObservations.read(
                client: client, namespace: connection.namespace ?? client.config.namespace, target: target, now: now)
        }
        input.kubeletVersion = kubelet
        return try await diagnose(input, probe: probe)
    }

    /// Offline: a pod or workload manifest and/or pull secret files (Secret manifests or docker
    /// configs). Without a pod manifest, `images` are checked against every given secret.
    public static func offline(
        files: [InputSource], images: [String], serviceAccount: String?, now: Date, probe: PullCredentialProbe?,
        kubelet: KubeletVersion = .newest
    ) async throws -> PullDiagnosis {
        var podSpec: (name: String?, pod: Pod)?
        var secrets: [String: ObservedPullSecret] = [:]
        var order: [String] = []
        for file in files {
            let fileText = try file.readText()
            for document in try Self.documents(in: fileText, file: file.description) {
                let kind = document["kind"]?.stringValue
                let name = document["metadata"]?["name"]?.stringValue
                switch kind {
                case "Secret"?:
                    let secretName = name ?? file.description
                    secrets[secretName] = observedSecret(document, file: file.description)
                    order.append(secretName)
                case nil:
                    // A bare docker config: the secret it would be, named after the file.
                    // JSON text is offered as written (repeated keys, their order), as the kubelet would read it.
                    let text = fileText.trimmingCharacters(in: .whitespacesAndNewlines)
                    let data = text.hasPrefix("{") ? Data(text.utf8) : document.encoded()
                    let format = DockerConfig.detectFormat(of: document)
                    secrets[file.description] = ObservedPullSecret(
                        type: format.secretType, data: [format.secretKey: data], file: file.description)
                    order.append(file.description)
                case let kind?:
                    guard let spec = podSpecJSON(document, kind: kind) else {
                        throw DoctorInputError.unsupportedManifest(file: file.description, kind: kind)
                    }
                    podSpec = (name, Pod(metadata: ObjectMeta(name: name), spec: try PodSpec(json: spec)))
                }
            }
        }
        var input: PullDiagnosisInput
        if let podSpec, images.isEmpty {
            input = PullDiagnosisInput(
                subject: .manifest(name: podSpec.name), namespace: nil,
                containers: PodPullObservations.containers(of: podSpec.pod),
                podPullSecrets: podSpec.pod.spec.imagePullSecrets.map(\.name),
                serviceAccount: (serviceAccount ?? podSpec.pod.spec.serviceAccountName).map {
                    PullDiagnosisInput.ServiceAccountObservation(name: $0, imagePullSecrets: nil)
                },
                secrets: secrets, now: now)
        } else {
            guard !images.isEmpty else { throw DoctorInputError.noPodManifestOrImage }
            input = PullDiagnosisInput(
                subject: .secretFiles, namespace: nil,
                containers: images.enumerated().map {
                    PullDiagnosisInput.ContainerImage(name: "image-\($0.offset + 1)", kind: .container, image: $0.element)
                },
                podPullSecrets: order, serviceAccount: nil, secrets: secrets, now: now)
        }
        input.kubeletVersion = kubelet
        return try await diagnose(input, probe: probe)
    }

    /// Diagnoses, then with a probe asks the registry about each pullable image's credentials
    /// in the kubelet's order, stopping at the first one it accepts.
    public static func diagnose(_ input: PullDiagnosisInput, probe: PullCredentialProbe?) async throws -> PullDiagnosis {
        var diagnosis = PullDiagnoser.diagnose(input)
        guard let probe else { return diagnosis }
        var results: [(target: PullProbeTarget, result: PullVerification)] = []
        for targets in diagnosis.probeTargets {
            for target in targets {
                let outcome = try await probe(target.registryKey, target.username, target.password, target.image)
                results.append((target, outcome.verification))
                if outcome == .ok { break }
            }
        }
        diagnosis.applyVerification(results)
        return diagnosis
    }

    // MARK: files

    /// The documents of a YAML stream (`---` separated) or one JSON document.
    static func documents(in text: String, file: String) throws(PullSecretDocumentError) -> [JSONValue] {
        do {
            return try JSONValue.documents(in: text)
        } catch {
            throw .syntax("\(file): \(error)")
        }
    }

    private static func observedSecret(_ manifest: JSONValue, file: String) -> ObservedPullSecret {
        var data: [String: Data] = [:]
        for (key, value) in manifest["data"]?.objectValue ?? [:] {
            if let text = value.stringValue, let bytes = Data(base64Encoded: text) { data[key] = bytes }
        }
        // The API server merges stringData into data on write.
        for (key, value) in manifest["stringData"]?.objectValue ?? [:] {
            if let text = value.stringValue { data[key] = Data(text.utf8) }
        }
        return ObservedPullSecret(type: manifest["type"]?.stringValue, data: data, file: file)
    }

    private static func podSpecJSON(_ document: JSONValue, kind: String) -> JSONValue? {
        switch kind {
        case "Pod": document["spec"]
        case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job": document["spec"]?["template"]?["spec"]
        case "CronJob": document["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]
        default: nil
        }
    }

    // MARK: output

    public static func render(_ diagnosis: PullDiagnosis, as format: ShowOutputFormat) -> String {
        switch format {
        case .json: return ReportJSON.render(diagnosis)
        case .table: return DoctorText.render(diagnosis)
        }
    }
}
