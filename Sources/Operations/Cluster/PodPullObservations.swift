// Reads what `doctor` needs from the cluster: the pod (or the service account a new pod would
// use), its pull secrets and the namespace's other pull secrets, as one PullDiagnosisInput.
import Foundation
import KubernetesClient
import RegcredCore

public enum DoctorTarget: Sendable, Equatable {
    /// An existing pod.
    case pod(String)
    /// Images for a pod not created yet, which will run as this service account.
    case images([String], serviceAccount: String)
}

public enum PodPullObservations {
    public static func read(client: KubeClient, namespace: String, target: DoctorTarget, now: Date) async throws -> PullDiagnosisInput {
        switch target {
        case .pod(let name):
            let pod = try await client.resource(Pod.self, namespace: namespace).get(name)
            let accountName = pod.spec.serviceAccountName ?? "default"
            let account = try await serviceAccount(client: client, namespace: namespace, name: accountName)
            let podList = pod.spec.imagePullSecrets.map(\.name)
            let (listed, others) = try await pullSecrets(
                client: client, namespace: namespace, names: podList + (account.imagePullSecrets ?? []))
            let owner = pod.metadata.ownerReferences.first { $0.controller == true } ?? pod.metadata.ownerReferences.first
            var input = PullDiagnosisInput(
                subject: .pod(name: name), namespace: namespace, containers: containers(of: pod),
                podPullSecrets: podList, serviceAccount: account, secrets: listed, otherPullSecrets: others,
                owner: owner.map {
                    PullDiagnosisInput.PodOwner(kind: $0.kind, name: $0.name, podTemplateHash: pod.metadata.labels["pod-template-hash"])
                },
                now: now)
            // What regcred's pod webhook did, or would have done, for this pod.
            input.injectionOffers = await ClusterPullSecretOffers.read(client: client, namespace: namespace)
            return input
        case .images(let images, let accountName):
            let account = try await serviceAccount(client: client, namespace: namespace, name: accountName)
            let (listed, others) = try await pullSecrets(client: client, namespace: namespace, names: account.imagePullSecrets ?? [])
            return PullDiagnosisInput(
                subject: .prospectivePod, namespace: namespace,
                containers: images.enumerated().map {
                    PullDiagnosisInput.ContainerImage(name: "image-\($0.offset + 1)", kind: .container, image: $0.element)
                },
                podPullSecrets: [], serviceAccount: account, secrets: listed, otherPullSecrets: others, now: now)
        }
    }

    /// Every container's image, init containers first as the kubelet starts them, with the
    /// pull failure its status reports.
    static func containers(of pod: Pod) -> [PullDiagnosisInput.ContainerImage] {
        var failures: [String: String] = [:]
        for status in (pod.status?.containerStatuses ?? []) + (pod.status?.initContainerStatuses ?? []) {
            if let reason = status.waitingReason, ["ErrImagePull", "ImagePullBackOff", "InvalidImageName"].contains(reason) {
                failures[status.name] = reason + (status.waitingMessage.map { ": " + $0 } ?? "")
            }
        }
        let groups: [(PullDiagnosisInput.ContainerImage.Kind, [Container])] = [
            (.initContainer, pod.spec.initContainers), (.container, pod.spec.containers), (.ephemeral, pod.spec.ephemeralContainers),
        ]
        return groups.flatMap { kind, containers in
            containers.map {
                PullDiagnosisInput.ContainerImage(name: $0.name, kind: kind, image: $0.image ?? "", pullFailure: failures[$0.name])
            }
        }
    }

    private static func serviceAccount(
        client: KubeClient, namespace: String, name: String
    ) async throws -> PullDiagnosisInput.ServiceAccountObservation {
        do {
            let account = try await client.resource(ServiceAccount.self, namespace: namespace).get(name)
            return PullDiagnosisInput.ServiceAccountObservation(name: name, imagePullSecrets: account.imagePullSecrets.map(\.name))
        } catch let error as KubeAPIError where error.reason == .notFound {
            return PullDiagnosisInput.ServiceAccountObservation(name: name, imagePullSecrets: nil)
        }
    }

    /// A secret as the kubelet reads it, and which ClusterPullSecret owns it when regcred manages it.
    static func observedSecret(_ secret: Secret, keepingData: Bool = true) -> ObservedPullSecret {
        let labels = secret.metadata.labels
        let owner = labels[ManagedObjectMarkers.managedByLabel] == ManagedObjectMarkers.managedByValue ? labels[ManagedObjectMarkers.ownerLabel] : nil
        return ObservedPullSecret(type: secret.type, data: keepingData ? secret.data : secret.data.mapValues { _ in Data() }, regcredOwner: owner)
    }

    /// The named secrets, and the namespace's other pull secrets. One list request serves
    /// any number of names; without permission to list, each name is read on its own.
    private static func pullSecrets(
        client: KubeClient, namespace: String, names: [String]
    ) async throws -> (listed: [String: ObservedPullSecret], others: [String: ObservedPullSecret]) {
        let secrets = client.resource(Secret.self, namespace: namespace)
        let wanted = Set(names)
        var listed: [String: ObservedPullSecret] = [:]
        var others: [String: ObservedPullSecret] = [:]
        do {
            for secret in try await secrets.listAll().items {
                guard let name = secret.metadata.name else { continue }
                let observed = observedSecret(secret)
                if wanted.contains(name) {
                    listed[name] = observed
                } else if DockerConfigFormat(secretType: secret.type ?? "Opaque") != nil {
                    others[name] = observed
                }
            }
            return (listed, others)
        } catch let error as KubeAPIError where error.reason == .forbidden {
            for name in wanted {
                do {
                    let secret = try await secrets.get(name)
                    listed[name] = observedSecret(secret)
                } catch let error as KubeAPIError where error.reason == .notFound {
                    continue
                }
            }
            return (listed, [:])
        }
    }
}
