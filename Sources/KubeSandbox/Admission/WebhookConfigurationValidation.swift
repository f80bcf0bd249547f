// WebhookConfigurationValidation: what the API server does to an admissionregistration.k8s.io/v1
// MutatingWebhookConfiguration on create and update — v1 defaults (pkg/apis/admissionregistration/
// v1/defaults.go), generation (the registry strategy), and the checks of
// pkg/apis/admissionregistration/validation/validation.go and apiserver's util/webhook/validation.go
// for the fields the sandbox models, in the same order and with the same messages.
import Foundation
import RegcredCore

enum WebhookConfigurationValidation {
    static let group = "admissionregistration.k8s.io"
    static let plural = "mutatingwebhookconfigurations"

    static func applies(to type: ResourceType) -> Bool { type.group == group && type.plural == plural }

    /// Create: defaults, generation 1, then validation. A caBundle that is not base64 fails
    /// decoding, before any validation, as a 400 (the real server cannot decode the body).
    static func prepareForCreate(_ type: ResourceType, _ object: inout JSONValue) throws(APIError) -> [FieldError] {
        guard applies(to: type) else { return [] }
        try checkDecodable(object, type: type)
        applyDefaults(&object)
        object["metadata"]?["generation"] = .integer(1)
        return validate(object)
    }

    /// Update: defaults and validation as on create; generation counts changes of `webhooks`.
    static func prepareForUpdate(_ type: ResourceType, new: inout JSONValue, old: JSONValue) throws(APIError) -> [FieldError] {
        guard applies(to: type) else { return [] }
        try checkDecodable(new, type: type)
        applyDefaults(&new)
        let generation = old["metadata"]?["generation"]?.integerValue ?? 1
        let webhooksChanged = new["webhooks"] != old["webhooks"]
        new["metadata"]?["generation"] = .integer(webhooksChanged ? generation + 1 : generation)
        return validate(new)
    }

    // MARK: decoding and defaults

    private static func checkDecodable(_ object: JSONValue, type: ResourceType) throws(APIError) {
        for hook in object["webhooks"]?.arrayValue ?? [] {
            guard let bundle = hook["clientConfig"]?["caBundle"]?.stringValue else { continue }
            if let offset = invalidBase64Offset(bundle) {
                throw APIError.badRequest("\(type.kind) in version \"\(type.version)\" cannot be handled as a \(type.kind): illegal base64 data at input byte \(offset)")
            }
        }
    }

    /// Where Go's base64.StdEncoding stops decoding `text`, or nil when it decodes.
    static func invalidBase64Offset(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        func isAlphabet(_ byte: UInt8) -> Bool {
            (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte) || byte == 43 || byte == 47
        }
        var index = 0
        while index < bytes.count, isAlphabet(bytes[index]) { index += 1 }
        let partial = index % 4
        if index == bytes.count { return partial == 0 ? nil : index - partial }
        // Anything but padding, or padding where none can stand, fails where it stands.
        guard bytes[index] == 61, partial >= 2 else { return index }
        var next = index + 1
        if partial == 2 {
            if next == bytes.count { return bytes.count }
            if bytes[next] != 61 { return index }
            next += 1
        }
        return next < bytes.count ? next : nil
    }

    /// SetDefaults_MutatingWebhook, SetDefaults_Rule and SetDefaults_ServiceReference.
    static func applyDefaults(_ object: inout JSONValue) {
        guard var hooks = object["webhooks"]?.arrayValue else { return }
        for index in hooks.indices {
            guard case .object(var hook) = hooks[index] else { continue }
            if hook["failurePolicy"] == nil || hook["failurePolicy"] == .null { hook["failurePolicy"] = .string("Fail") }
            if hook["matchPolicy"] == nil || hook["matchPolicy"] == .null { hook["matchPolicy"] = .string("Equivalent") }
            if hook["namespaceSelector"] == nil || hook["namespaceSelector"] == .null { hook["namespaceSelector"] = .object([:]) }
            if hook["objectSelector"] == nil || hook["objectSelector"] == .null { hook["objectSelector"] = .object([:]) }
            if hook["timeoutSeconds"] == nil || hook["timeoutSeconds"] == .null { hook["timeoutSeconds"] = .integer(10) }
            if hook["reinvocationPolicy"] == nil || hook["reinvocationPolicy"] == .null { hook["reinvocationPolicy"] = .string("Never") }
            if case .array(var rules) = hook["rules"] {
                for ruleIndex in rules.indices where rules[ruleIndex]["scope"] == nil || rules[ruleIndex]["scope"] == .null {
                    rules[ruleIndex]["scope"] = .string("*")
                }
                hook["rules"] = .array(rules)
            }
            if var service = hook["clientConfig"]?["service"], case .object = service {
                if service["port"] == nil || service["port"] == .null { service["port"] = .integer(443) }
                hook["clientConfig"]?["service"] = service
            }
            hooks[index] = .object(hook)
        }
        object["webhooks"] = .array(hooks)
    }

    // MARK: validation

    static let admissionReviewVersions = ["v1", "v1beta1"]
    static let failurePolicies = ["Fail", "Ignore"]
    static let matchPolicies = ["Equivalent", "Exact"]
    static let noSideEffectClasses = ["None", "NoneOnDryRun"]
    static let operations = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"]
    static let reinvocationPolicies = ["IfNeeded", "Never"]
    static let scopes = ["*", "Cluster", "Namespaced"]

    /// validateMutatingWebhookConfiguration after ValidateObjectMeta (which the store runs).
    static func validate(_ object: JSONValue) -> [FieldError] {
        var errors: [FieldError] = []
        var names: Set<String> = []
        for (index, hook) in (object["webhooks"]?.arrayValue ?? []).enumerated() {
            let path = "webhooks[\(index)]"
            errors += validateWebhook(hook, path: path)
            errors += validateAdmissionReviewVersions(strings(hook["admissionReviewVersions"]), path: "\(path).admissionReviewVersions")
            let name = hook["name"]?.stringValue ?? ""
            if !name.isEmpty {
                if names.contains(name) { errors.append(.duplicate("\(path).name", string: name)) } else { names.insert(name) }
            }
        }
        return errors
    }

    private static func validateWebhook(_ hook: JSONValue, path: String) -> [FieldError] {
        var errors: [FieldError] = []
        errors += fullyQualifiedName(hook["name"]?.stringValue ?? "", path: "\(path).name")
        for (index, rule) in (hook["rules"]?.arrayValue ?? []).enumerated() {
            errors += validateRule(rule, path: "\(path).rules[\(index)]")
        }
        if let policy = hook["failurePolicy"]?.stringValue, !failurePolicies.contains(policy) {
            errors.append(.notSupported("\(path).failurePolicy", string: policy, supported: failurePolicies))
        }
        if let policy = hook["matchPolicy"]?.stringValue, !matchPolicies.contains(policy) {
            errors.append(.notSupported("\(path).matchPolicy", string: policy, supported: matchPolicies))
        }
        // v1 has no default for sideEffects and accepts only the classes without side effects.
        if let sideEffects = hook["sideEffects"]?.stringValue {
            if !noSideEffectClasses.contains(sideEffects) {
                errors.append(.notSupported("\(path).sideEffects", string: sideEffects, supported: noSideEffectClasses))
            }
        } else {
            errors.append(.required("\(path).sideEffects", "must specify one of \(noSideEffectClasses.joined(separator: ", "))"))
        }
        if let timeout = hook["timeoutSeconds"]?.integerValue, timeout > 30 || timeout < 1 {
            errors.append(.invalid("\(path).timeoutSeconds", rendered: String(timeout), "the timeout value must be between 1 and 30 seconds"))
        }
        errors += validateSelector(hook["namespaceSelector"], path: "\(path).namespaceSelector")
        errors += validateSelector(hook["objectSelector"], path: "\(path).objectSelector")
        if let policy = hook["reinvocationPolicy"]?.stringValue, !reinvocationPolicies.contains(policy) {
            errors.append(.notSupported("\(path).reinvocationPolicy", string: policy, supported: reinvocationPolicies))
        }
        let clientConfig = hook["clientConfig"]
        let url = clientConfig?["url"]?.stringValue
        let service = clientConfig?["service"].flatMap { $0 == .null ? nil : $0 }
        switch (url, service) {
        case (nil, nil), (.some, .some):
            errors.append(.required("\(path).clientConfig", "exactly one of url or service is required"))
        case (.some(let url), nil):
            errors += validateURL(url, path: "\(path).clientConfig.url")
        case (nil, .some(let service)):
            errors += validateService(service, path: "\(path).clientConfig.service")
        }
        return errors
    }

    /// IsFullyQualifiedName: a DNS subdomain with at least three dot-separated segments.
    private static func fullyQualifiedName(_ name: String, path: String) -> [FieldError] {
        if name.isEmpty { return [.required(path)] }
        let subdomainErrors = subdomainMessages(name)
        if !subdomainErrors.isEmpty { return [.invalid(path, string: name, subdomainErrors.joined(separator: ","))] }
        if name.split(separator: ".", omittingEmptySubsequences: false).count < 3 {
            return [.invalid(path, string: name, "should be a domain with at least three segments separated by dots")]
        }
        return []
    }

    /// IsDNS1123Subdomain's messages.
    private static func subdomainMessages(_ value: String) -> [String] {
        var messages: [String] = []
        if value.utf8.count > 253 { messages.append("must be no more than 253 characters") }
        if !NameValidation.matchesSubdomain(value) { messages.append(NameValidation.subdomainMessage) }
        return messages
    }

    private static func validateRule(_ rule: JSONValue, path: String) -> [FieldError] {
        var errors: [FieldError] = []
        let operations = strings(rule["operations"])
        if operations.isEmpty { errors.append(.required("\(path).operations")) }
        if operations.count > 1 && operations.contains("*") {
            errors.append(.invalid("\(path).operations", rendered: goSlice(operations, type: "admissionregistration.OperationType"),
                                   "if '*' is present, must not specify other operations"))
        }
        for (index, operation) in operations.enumerated() where !Self.operations.contains(operation) {
            errors.append(.notSupported("\(path).operations[\(index)]", string: operation, supported: Self.operations))
        }
        let groups = strings(rule["apiGroups"])
        if groups.isEmpty { errors.append(.required("\(path).apiGroups")) }
        if groups.count > 1 && groups.contains("*") {
            errors.append(.invalid("\(path).apiGroups", rendered: goSlice(groups, type: "string"), "if '*' is present, must not specify other API groups"))
        }
        let versions = strings(rule["apiVersions"])
        if versions.isEmpty { errors.append(.required("\(path).apiVersions")) }
        if versions.count > 1 && versions.contains("*") {
            errors.append(.invalid("\(path).apiVersions", rendered: goSlice(versions, type: "string"), "if '*' is present, must not specify other API versions"))
        }
        for (index, version) in versions.enumerated() where version.isEmpty {
            errors.append(.required("\(path).apiVersions[\(index)]"))
        }
        let resources = strings(rule["resources"])
        if resources.isEmpty { errors.append(.required("\(path).resources")) }
        for (index, resource) in resources.enumerated() where resource.isEmpty {
            errors.append(.required("\(path).resources[\(index)]"))
        }
        if let scope = rule["scope"]?.stringValue, !scopes.contains(scope) {
            errors.append(.notSupported("\(path).scope", string: scope, supported: scopes))
        }
        return errors
    }

    /// ValidateLabelSelectorRequirement's operator and values checks.
    private static func validateSelector(_ selector: JSONValue?, path: String) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, expression) in (selector?["matchExpressions"]?.arrayValue ?? []).enumerated() {
            let expressionPath = "\(path).matchExpressions[\(index)]"
            let values = expression["values"]?.arrayValue ?? []
            let op = expression["operator"]?.stringValue ?? ""
            switch op {
            case "In", "NotIn":
                if values.isEmpty { errors.append(.required("\(expressionPath).values", "must be specified when `operator` is 'In' or 'NotIn'")) }
            case "Exists", "DoesNotExist":
                if !values.isEmpty { errors.append(.forbidden("\(expressionPath).values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")) }
            default:
                errors.append(.invalid("\(expressionPath).operator", string: op, "not a valid selector operator"))
            }
        }
        return errors
    }

    private static func validateAdmissionReviewVersions(_ versions: [String], path: String) -> [FieldError] {
        if versions.isEmpty {
            return [.required(path, "must specify one of \(admissionReviewVersions.joined(separator: ", "))")]
        }
        var errors: [FieldError] = []
        var seen: Set<String> = []
        for (index, version) in versions.enumerated() {
            if seen.contains(version) {
                errors.append(.invalid("\(path)[\(index)]", string: version, "duplicate version"))
                continue
            }
            seen.insert(version)
            for message in dns1035LabelMessages(version) { errors.append(.invalid("\(path)[\(index)]", string: version, message)) }
        }
        if !versions.contains(where: admissionReviewVersions.contains) {
            errors.append(.invalid(path, rendered: goSlice(versions, type: "string"),
                                   "must include at least one of \(admissionReviewVersions.joined(separator: ", "))"))
        }
        return errors
    }

    private static func dns1035LabelMessages(_ value: String) -> [String] {
        var messages: [String] = []
        if value.utf8.count > 63 { messages.append("must be no more than 63 characters") }
        let bytes = Array(value.utf8)
        let lower = { (byte: UInt8) in byte >= 97 && byte <= 122 }
        let digit = { (byte: UInt8) in byte >= 48 && byte <= 57 }
        let valid = bytes.first.map(lower) == true && bytes.last.map { lower($0) || digit($0) } == true
            && bytes.allSatisfy { lower($0) || digit($0) || $0 == 45 }
        if !valid {
            messages.append("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
        }
        return messages
    }

    /// ValidateWebhookURL with https forced.
    private static func validateURL(_ url: String, path: String) -> [FieldError] {
        let form = "; desired format: https://host[/path]"
        guard let components = URLComponents(string: url) else {
            return [.required(path, "url must be a valid URL: parse \(FieldError.goQuoted(url)): invalid URL\(form)")]
        }
        var errors: [FieldError] = []
        let scheme = components.scheme?.lowercased() ?? ""
        if scheme != "https" { errors.append(.invalid(path, string: scheme, "'https' is the only allowed URL scheme\(form)")) }
        let host = components.percentEncodedHost ?? ""
        let hostPort = host + (components.port.map { ":\($0)" } ?? "")
        if host.isEmpty { errors.append(.invalid(path, string: hostPort, "host must be specified\(form)")) }
        if let user = components.percentEncodedUser {
            let info = user + (components.percentEncodedPassword.map { ":\($0)" } ?? "")
            errors.append(.invalid(path, string: info, "user information is not permitted in the URL"))
        }
        if let fragment = components.fragment, !fragment.isEmpty {
            errors.append(.invalid(path, string: fragment, "fragments are not permitted in the URL"))
        }
        if let query = components.percentEncodedQuery, !query.isEmpty {
            errors.append(.invalid(path, string: query, "query parameters are not permitted in the URL"))
        }
        return errors
    }

    /// ValidateWebhookService.
    private static func validateService(_ service: JSONValue, path: String) -> [FieldError] {
        var errors: [FieldError] = []
        if (service["name"]?.stringValue ?? "").isEmpty { errors.append(.required("\(path).name", "service name is required")) }
        if (service["namespace"]?.stringValue ?? "").isEmpty { errors.append(.required("\(path).namespace", "service namespace is required")) }
        let port = service["port"]?.integerValue ?? 443
        if port < 1 || port > 65535 {
            errors.append(.invalid("\(path).port", rendered: String(port), "port is not valid: must be between 1 and 65535, inclusive"))
        }
        guard let urlPath = service["path"]?.stringValue, urlPath != "/", !urlPath.isEmpty else { return errors }
        if urlPath == "//" {
            errors.append(.invalid("\(path).path", string: urlPath, "segment[0] may not be empty"))
            return errors
        }
        if !urlPath.hasPrefix("/") { errors.append(.invalid("\(path).path", string: urlPath, "must start with a '/'")) }
        // As the Go code does: drop the first byte (the '/', or whatever stands there) and one trailing '/'.
        var toCheck = String(decoding: urlPath.utf8.dropFirst(), as: UTF8.self)
        if toCheck.hasSuffix("/") { toCheck.removeLast() }
        for (index, step) in toCheck.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            if step.isEmpty {
                errors.append(.invalid("\(path).path", string: urlPath, "segment[\(index)] may not be empty"))
                continue
            }
            for message in subdomainMessages(String(step)) {
                errors.append(.invalid("\(path).path", string: urlPath, "segment[\(index)]: \(message)"))
            }
        }
        return errors
    }

    // MARK: helpers

    private static func strings(_ value: JSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// Go's `%#v` of a slice of strings: `[]string{"a", "b"}`.
    private static func goSlice(_ values: [String], type: String) -> String {
        "[]\(type){" + values.map(FieldError.goQuoted).joined(separator: ", ") + "}"
    }
}
