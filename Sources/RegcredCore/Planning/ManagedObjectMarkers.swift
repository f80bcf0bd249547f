// The labels and annotations by which regcred recognises what it wrote, and what users set to opt out.

public enum ManagedObjectMarkers {
    /// On every secret regcred writes; the controller's informer watches only secrets with it.
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    public static let managedByValue = "regcred"
    /// The ClusterPullSecret a secret belongs to.
    public static let ownerLabel = "regcred.dev/owner"
    /// SHA-256 of the `.dockerconfigjson` written, so a reader can tell versions apart without decoding.
    public static let contentHashAnnotation = "regcred.dev/content-hash"
    /// On a namespace: "true" opts it out of every ClusterPullSecret.
    public static let excludeAnnotation = "regcred.dev/exclude"
    /// On a pod: "false" tells the pod admission webhook to leave it alone.
    public static let injectAnnotation = "regcred.dev/inject"
    /// On a service account: the pull secret names regcred added to `imagePullSecrets`, comma
    /// separated, so that regcred only ever removes entries it added itself.
    public static let attachedAnnotation = "regcred.dev/attached-secrets"
    /// The finalizer that lets regcred clean up before a ClusterPullSecret disappears.
    public static let finalizer = "regcred.dev/cleanup"

    public static func labels(owner: String) -> [String: String] {
        [managedByLabel: managedByValue, ownerLabel: owner]
    }
}
