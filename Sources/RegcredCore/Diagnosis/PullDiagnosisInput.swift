// What `doctor` observed about a pod (or a pod to be), handed to the pure diagnosis: the
// images, the pull secret names, the service account's list, and the secrets as read.
import Foundation

/// Everything the diagnosis needs, gathered by the caller from the cluster or from files.
public struct PullDiagnosisInput: Sendable {
    /// What is being diagnosed; it decides which pull secret list the kubelet will use.
    public enum Subject: Sendable, Equatable {
        /// A pod that exists: the kubelet uses the pod's own `imagePullSecrets`, nothing else.
        case pod(name: String)
        /// A pod not created yet (`--image --service-account`): it will set no pull secrets, so
        /// the service account's list is copied into it at creation.
        case prospectivePod
        /// A pod manifest read from a file, not yet admitted: its own list, or the service
        /// account's when it sets none.
        case manifest(name: String?)
        /// Pull secret files offered for images: every given secret is in the list, in order.
        case secretFiles
    }

    /// One container's image, and how its last pull went when the pod's status says so.
    public struct ContainerImage: Sendable, Equatable {
        public enum Kind: String, Sendable, Codable { case initContainer = "init", container, ephemeral }
        public var name: String
        public var kind: Kind
        public var image: String
        /// `ErrImagePull`/`ImagePullBackOff` with the kubelet's message, when the status shows one.
        public var pullFailure: String?

        public init(name: String, kind: Kind, image: String, pullFailure: String? = nil) {
            self.name = name
            self.kind = kind
            self.image = image
            self.pullFailure = pullFailure
        }

        /// `init:migrate`, `app`, `ephemeral:debugger`: how the report names the container.
        public var label: String { kind == .container ? name : "\(kind.rawValue):\(name)" }
    }

    /// The service account as read: `nil` pull secrets when it does not exist.
    public struct ServiceAccountObservation: Sendable, Equatable {
        public var name: String
        public var imagePullSecrets: [String]?

        public init(name: String, imagePullSecrets: [String]?) {
            self.name = name
            self.imagePullSecrets = imagePullSecrets
        }
    }

    /// The controller of a pod, to say how to recreate it.
    public struct PodOwner: Sendable, Equatable {
        public var kind: String
        public var name: String
        /// The pod's `pod-template-hash` label: a ReplicaSet named `<deployment>-<hash>`.
        public var podTemplateHash: String?

        public init(kind: String, name: String, podTemplateHash: String? = nil) {
            self.kind = kind
            self.name = name
            self.podTemplateHash = podTemplateHash
        }
    }

    public var subject: Subject
    /// The namespace, when the subject lives in a cluster; fix commands then carry `-n`.
    public var namespace: String?
    public var containers: [ContainerImage]
    /// The names in the pod's `spec.imagePullSecrets`, in order (empty for a prospective pod).
    public var podPullSecrets: [String]
    /// The service account, when it was read; `nil` offline.
    public var serviceAccount: ServiceAccountObservation?
    /// Every secret that was read, by name; a listed name that is absent here was not found.
    public var secrets: [String: ObservedPullSecret]
    /// Pull secrets of the namespace that nothing lists, offered as fixes when one matches.
    public var otherPullSecrets: [String: ObservedPullSecret]
    public var owner: PodOwner?
    /// The clock's reading, for expiry; RegcredCore never reads a clock itself.
    public var now: Date
    /// Whose matching rules apply (the Go `net/url` the node's kubelet is built with).
    public var kubeletVersion: KubeletVersion = .newest
    /// The ClusterPullSecrets that select the namespace, to recognise what the pod webhook did
    /// or would have done (PodInjectionFindings); empty when unknown (offline, or not readable).
    public var injectionOffers: [PodPullSecretInjection.Offer] = []

    public init(
        subject: Subject, namespace: String?, containers: [ContainerImage], podPullSecrets: [String],
        serviceAccount: ServiceAccountObservation?, secrets: [String: ObservedPullSecret],
        otherPullSecrets: [String: ObservedPullSecret] = [:], owner: PodOwner? = nil, now: Date
    ) {
        self.subject = subject
        self.namespace = namespace
        self.containers = containers
        self.podPullSecrets = podPullSecrets
        self.serviceAccount = serviceAccount
        self.secrets = secrets
        self.otherPullSecrets = otherPullSecrets
        self.owner = owner
        self.now = now
    }
}

/// A Secret as read, reduced to what the kubelet looks at: its type and data.
public struct ObservedPullSecret: Sendable, Equatable {
    public var type: String?
    public var data: [String: Data]
    /// The file it came from, offline; fixes then edit the file instead of the cluster.
    public var file: String?
    /// The ClusterPullSecret that owns it (label regcred.dev/owner) when regcred manages it.
    public var regcredOwner: String?

    public init(type: String?, data: [String: Data], file: String? = nil, regcredOwner: String? = nil) {
        self.type = type
        self.data = data
        self.file = file
        self.regcredOwner = regcredOwner
    }
}
