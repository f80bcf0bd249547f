// WebhookCABundlePatch: the JSON Patch that puts a caBundle into every webhook of a
// MutatingWebhookConfiguration and changes nothing else (pure). It tests the resourceVersion and
// each webhook's name first, so a patch built from a stale read fails (422, "test failed")
// instead of writing into a webhook list someone else just changed; the caller re-reads.
import Foundation
import KubernetesClient
import RegcredCore

public enum WebhookCABundlePatch {
    public static let resource = Resource(
        group: "admissionregistration.k8s.io", version: "v1", plural: "mutatingwebhookconfigurations",
        kind: "MutatingWebhookConfiguration", namespaced: false)

    /// The operations for `configuration` (as read), or nil when every webhook already carries
    /// `bundlePEM`. A webhook without a clientConfig is left alone (the API server refuses one).
    public static func operations(for configuration: JSONValue, bundlePEM: String) -> [JSONPatchOperation]? {
        let desired = JSONValue.string(Data(bundlePEM.utf8).base64EncodedString())
        var operations: [JSONPatchOperation] = []
        for (index, webhook) in (configuration["webhooks"]?.arrayValue ?? []).enumerated() {
            guard webhook["clientConfig"]?.objectValue != nil, webhook["clientConfig"]?["caBundle"] != desired else { continue }
            if let name = webhook["name"] { operations.append(.test(path: "/webhooks/\(index)/name", value: name)) }
            operations.append(.add(path: "/webhooks/\(index)/clientConfig/caBundle", value: desired))
        }
        guard !operations.isEmpty else { return nil }
        if let version = configuration["metadata"]?["resourceVersion"] {
            operations.insert(.test(path: "/metadata/resourceVersion", value: version), at: 0)
        }
        return operations
    }

    /// Whether a patch failed because the object changed since it was read (a `test` op failed,
    /// the API server's 422, or a 409): re-read and try again.
    public static func isStale(_ error: KubeAPIError) -> Bool {
        error.isConflict || (error.reason == .invalid && error.message.contains("test failed"))
    }
}
