// What the controller observed in a namespace, as plain values for the planner.
import Foundation

public struct ObservedNamespace: Hashable, Sendable {
    public var name: String
    public var labels: [String: String]
    public var annotations: [String: String]
    public var isTerminating: Bool

    public init(name: String, labels: [String: String] = [:], annotations: [String: String] = [:], isTerminating: Bool = false) {
        self.name = name
        self.labels = labels
        self.annotations = annotations
        self.isTerminating = isTerminating
    }
}

public struct ObservedSecret: Hashable, Sendable {
    public var name: String
    public var type: String
    public var labels: [String: String]
    public var annotations: [String: String]
    /// The digest of the bytes under `.dockerconfigjson`, if that key exists: what drift
    /// detection compares, so the bytes themselves need not be kept.
    public var dockerConfigDigest: ContentDigest?
    /// `immutable: true`: new content means deleting and creating it again.
    public var isImmutable: Bool
    public var resourceVersion: String

    public init(
        name: String, type: String = DockerConfigFormat.dockerConfigJSON.secretType, labels: [String: String] = [:],
        annotations: [String: String] = [:], dockerConfigJSON: Data? = nil, isImmutable: Bool = false, resourceVersion: String = ""
    ) {
        self.init(name: name, type: type, labels: labels, annotations: annotations,
                  dockerConfigDigest: dockerConfigJSON.map(ContentDigest.init(of:)), isImmutable: isImmutable,
                  resourceVersion: resourceVersion)
    }

    public init(
        name: String, type: String, labels: [String: String], annotations: [String: String],
        dockerConfigDigest: ContentDigest?, isImmutable: Bool = false, resourceVersion: String
    ) {
        self.name = name
        self.type = type
        self.labels = labels
        self.annotations = annotations
        self.dockerConfigDigest = dockerConfigDigest
        self.isImmutable = isImmutable
        self.resourceVersion = resourceVersion
    }
}

public struct ObservedServiceAccount: Hashable, Sendable {
    public var name: String
    public var imagePullSecrets: [String]
    public var annotations: [String: String]
    public var resourceVersion: String

    public init(name: String, imagePullSecrets: [String] = [], annotations: [String: String] = [:], resourceVersion: String = "") {
        self.name = name
        self.imagePullSecrets = imagePullSecrets
        self.annotations = annotations
        self.resourceVersion = resourceVersion
    }

    public var attachedByRegcred: [String] {
        ImagePullSecretEdit.parse(annotations[ManagedObjectMarkers.attachedAnnotation])
    }
}
