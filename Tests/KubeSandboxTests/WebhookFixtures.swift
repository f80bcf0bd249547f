// WebhookFixtures: the MutatingWebhookConfigurations and pods the admission tests send.
import RegcredCore

/// A MutatingWebhookConfiguration with `hooks`.
func mutatingWebhookConfiguration(_ name: String, hooks: [JSONValue]) -> JSONValue {
    .object(["apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
             "metadata": .object(["name": .string(name)]), "webhooks": .array(hooks)])
}

/// A webhook for pod creation calling `url` (https), trusting `caBundle`; `extra` overrides members.
func podWebhook(_ name: String, url: String, caBundle: String?, extra: [String: JSONValue] = [:]) -> JSONValue {
    var clientConfig: [String: JSONValue] = ["url": .string(url)]
    if let caBundle { clientConfig["caBundle"] = .string(caBundle) }
    var hook: [String: JSONValue] = [
        "name": .string(name), "clientConfig": .object(clientConfig), "sideEffects": "None",
        "admissionReviewVersions": .array(["v1"]),
        "rules": .array([.object(["operations": .array(["CREATE"]), "apiGroups": .array([""]), "apiVersions": .array(["v1"]),
                                  "resources": .array(["pods"])])]),
    ]
    for (key, value) in extra { hook[key] = value }
    return .object(hook)
}

func pod(_ name: String, labels: [String: String] = [:]) -> JSONValue {
    var metadata: [String: JSONValue] = ["name": .string(name)]
    if !labels.isEmpty { metadata["labels"] = .object(labels.mapValues { .string($0) }) }
    return .object(["apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata),
                    "spec": .object(["containers": .array([.object(["name": "app", "image": "ghcr.io/acme/app:1"])])])])
}

let mutatingWebhookConfigurations = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations"
