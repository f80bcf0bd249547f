// MutatingWebhook: one entry of a stored admissionregistration.k8s.io/v1
// MutatingWebhookConfiguration, read after defaulting and validation, in the shape the
// dispatcher needs (the API server's v1.MutatingWebhook plus the configuration it came from).
import Foundation
import RegcredCore

struct MutatingWebhook: Sendable {
    struct Rule: Sendable {
        var operations: [String]
        var apiGroups: [String]
        var apiVersions: [String]
        var resources: [String]
        var scope: String
    }

    enum Endpoint: Sendable, Equatable {
        case url(String)
        case service(namespace: String, name: String, port: Int, path: String)
    }

    var configurationName: String
    /// Position in its configuration: with the configuration name, the identity the dispatcher
    /// tracks for reinvocation (the real server's webhook accessor UID).
    var index: Int
    var name: String
    var endpoint: Endpoint
    var caBundle: Data
    var rules: [Rule]
    var failurePolicy: String
    var namespaceSelector: MetaLabelSelector
    var objectSelector: MetaLabelSelector
    var sideEffects: String?
    var timeoutSeconds: Int
    var admissionReviewVersions: [String]
    var reinvocationPolicy: String

    var id: String { "\(configurationName)/\(name)/\(index)" }
    var ignoresCallFailures: Bool { failurePolicy == "Ignore" }
    var reinvokesIfNeeded: Bool { reinvocationPolicy == "IfNeeded" }

    /// The webhooks of a stored (defaulted, validated) configuration, in order.
    static func all(in configuration: JSONValue) -> [MutatingWebhook] {
        let configurationName = configuration["metadata"]?["name"]?.stringValue ?? ""
        let hooks = configuration["webhooks"]?.arrayValue ?? []
        return hooks.enumerated().map { index, hook in
            let clientConfig = hook["clientConfig"]
            let endpoint: Endpoint
            if let url = clientConfig?["url"]?.stringValue {
                endpoint = .url(url)
            } else {
                let service = clientConfig?["service"]
                endpoint = .service(namespace: service?["namespace"]?.stringValue ?? "", name: service?["name"]?.stringValue ?? "",
                                    port: Int(service?["port"]?.integerValue ?? 443), path: service?["path"]?.stringValue ?? "")
            }
            let rules = (hook["rules"]?.arrayValue ?? []).map { rule in
                Rule(operations: strings(rule["operations"]), apiGroups: strings(rule["apiGroups"]),
                     apiVersions: strings(rule["apiVersions"]), resources: strings(rule["resources"]),
                     scope: rule["scope"]?.stringValue ?? "*")
            }
            return MutatingWebhook(
                configurationName: configurationName, index: index, name: hook["name"]?.stringValue ?? "",
                endpoint: endpoint,
                caBundle: (clientConfig?["caBundle"]?.stringValue).flatMap { Data(base64Encoded: $0) } ?? Data(),
                rules: rules, failurePolicy: hook["failurePolicy"]?.stringValue ?? "Fail",
                namespaceSelector: MetaLabelSelector(hook["namespaceSelector"]),
                objectSelector: MetaLabelSelector(hook["objectSelector"]),
                sideEffects: hook["sideEffects"]?.stringValue,
                timeoutSeconds: Int(hook["timeoutSeconds"]?.integerValue ?? 10),
                admissionReviewVersions: strings(hook["admissionReviewVersions"]),
                reinvocationPolicy: hook["reinvocationPolicy"]?.stringValue ?? "Never")
        }
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
