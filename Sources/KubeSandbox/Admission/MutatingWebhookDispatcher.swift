// MutatingWebhookDispatcher: mutating admission for pod creation as kube-apiserver v1.28 runs it
// (admission/plugin/webhook/mutating/dispatcher.go, generic/webhook.go, request/admissionreview.go):
// every webhook of every MutatingWebhookConfiguration, configurations by name, whose selectors
// and rules match is sent an AdmissionReview; a denial, a failed call under failurePolicy Fail,
// or a patch that does not apply ends the request with the real server's Status; JSON patches
// are applied in turn; IfNeeded webhooks are called once more when a later webhook changed the
// object. The HTTP exchange itself is `call`, so the decisions here are tested without sockets.
import Foundation
import RegcredCore

struct MutatingWebhookDispatcher: Sendable {
    /// What one webhook call produced: the AdmissionReview answered, or why there is none.
    typealias Call = @Sendable (_ review: JSONValue, _ hook: MutatingWebhook) async -> Result<JSONValue, WebhookClient.CallFailure>

    struct Request: Sendable {
        var type: ResourceType
        var namespace: String
        /// The object as decoded from the request body.
        var object: JSONValue
        var user: SandboxUser
        var dryRun: Bool
        var fieldManager: String?
    }

    struct Outcome: Sendable {
        var object: JSONValue
        /// `response.warnings` of the webhooks, returned to the client as Warning headers.
        var warnings: [String]
    }

    let call: Call

    /// Mutates `request.object` through `hooks` (already in the server's order) or throws the
    /// Status the API server answers with. `namespaceLabels` is the request namespace's labels.
    func admit(_ request: Request, hooks: [MutatingWebhook], namespaceLabels: [String: String]) async throws(APIError) -> Outcome {
        if hooks.isEmpty { return Outcome(object: request.object, warnings: []) }
        var object = Self.asAdmitted(request)
        var warnings: [String] = []
        // The reinvocation context of the real dispatcher: webhooks with reinvocationPolicy
        // IfNeeded called so far, and those a later change made due for a second call.
        var previouslyInvoked: Set<String> = []
        var reinvoke: Set<String> = []
        var shouldReinvoke = false
        for round in 0..<2 {
            if round == 1 && !shouldReinvoke { break }
            for hook in hooks {
                guard Self.shouldCall(hook, request: request, object: object, namespaceLabels: namespaceLabels) else { continue }
                // A webhook skipped in the first round is never called in the second.
                if round == 1 && !reinvoke.contains(hook.id) { continue }
                let result = try await callHook(hook, request: request, object: object)
                var changed = false
                var callFailure: WebhookClient.CallFailure?
                switch result {
                case .mutated(let mutated, let hookWarnings):
                    changed = mutated != object
                    object = mutated
                    warnings += hookWarnings
                case .failed(let failure):
                    callFailure = failure
                }
                if changed {
                    reinvoke.formUnion(previouslyInvoked)
                    previouslyInvoked = []
                    shouldReinvoke = true
                }
                if hook.reinvokesIfNeeded { previouslyInvoked.insert(hook.id) }
                if let callFailure, !hook.ignoresCallFailures {
                    throw APIError.internalError("failed calling webhook \"\(hook.name)\": \(callFailure.reason)")
                }
            }
        }
        return Outcome(object: Self.asStored(object), warnings: warnings)
    }

    private enum HookResult {
        case mutated(JSONValue, warnings: [String])
        case failed(WebhookClient.CallFailure)
    }

    /// callAttrMutatingHook: a denial or an unappliable patch throws; a failed call is returned
    /// so the caller can apply the failure policy.
    private func callHook(_ hook: MutatingWebhook, request: Request, object: JSONValue) async throws(APIError) -> HookResult {
        if request.dryRun {
            guard let sideEffects = hook.sideEffects else {
                return .failed(.init(reason: "Webhook SideEffects is nil"))
            }
            if !["None", "NoneOnDryRun"].contains(sideEffects) {
                throw APIError.badRequest("admission webhook \"\(hook.name)\" does not support dry run")
            }
        }
        guard let reviewVersion = hook.admissionReviewVersions.first(where: { ["v1", "v1beta1"].contains($0) }) else {
            return .failed(.init(reason: "could not create admission objects: webhook does not accept known AdmissionReview versions (v1, v1beta1)"))
        }
        let uid = UUID().uuidString.lowercased()
        let review = Self.review(uid: uid, version: reviewVersion, request: request, object: object)
        let answer: JSONValue
        switch await call(review, hook) {
        case .success(let value): answer = value
        case .failure(let failure): return .failed(failure)
        }
        let response: ReviewResponse
        do {
            response = try ReviewResponse(answer, uid: uid, version: reviewVersion)
        } catch {
            return .failed(.init(reason: "received invalid webhook response: \(error.reason)"))
        }
        if !response.allowed { throw Self.denial(hook.name, response.result) }
        guard let patchBytes = response.patch, !patchBytes.isEmpty else { return .mutated(object, warnings: response.warnings) }
        let patch: JSONValue
        do { patch = try JSONValue(parsing: patchBytes) } catch {
            throw APIError.internalError(error.detail)
        }
        if patch.arrayValue?.isEmpty == true { return .mutated(object, warnings: response.warnings) }
        guard response.patchType == "JSONPatch" else {
            return .failed(.init(reason: "unsupported patch type \"\(response.patchType ?? "")\""))
        }
        do {
            return .mutated(try JSONPatch.apply(patch, to: object), warnings: response.warnings)
        } catch {
            throw APIError.internalError(error.message)
        }
    }

    // MARK: matching (generic/webhook.go ShouldCallHook, predicates/)

    static func shouldCall(_ hook: MutatingWebhook, request: Request, object: JSONValue, namespaceLabels: [String: String]) -> Bool {
        // A cluster-scoped object other than a namespace is never exempted by a namespace selector.
        let namespaceMatches = !request.type.namespaced || hook.namespaceSelector.isEmpty
            || hook.namespaceSelector.matches(namespaceLabels)
        guard namespaceMatches else { return false }
        guard hook.objectSelector.isEmpty || hook.objectSelector.matches(MetaLabelSelector.labels(of: object)) else { return false }
        return hook.rules.contains { rule in matches(rule, type: request.type, namespaced: request.type.namespaced) }
    }

    /// rules.Matcher for a CREATE of `type` (no subresource).
    static func matches(_ rule: MutatingWebhook.Rule, type: ResourceType, namespaced: Bool) -> Bool {
        func exactOrWildcard(_ items: [String], _ requested: String) -> Bool { items.contains("*") || items.contains(requested) }
        let isNamespaceResource = type.group.isEmpty && type.plural == "namespaces"
        let scopeMatches: Bool
        switch rule.scope {
        case "*": scopeMatches = true
        case "Namespaced": scopeMatches = !isNamespaceResource && namespaced
        case "Cluster": scopeMatches = isNamespaceResource || !namespaced
        default: scopeMatches = false
        }
        let resourceMatches = rule.resources.contains { entry in
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let resource = parts[0]
            let subresource = parts.count == 2 ? parts[1] : ""
            return (resource == "*" || resource == type.plural) && (subresource == "*" || subresource.isEmpty)
        }
        return scopeMatches && exactOrWildcard(rule.operations, "CREATE") && exactOrWildcard(rule.apiGroups, type.group)
            && exactOrWildcard(rule.apiVersions, type.version) && resourceMatches
    }

    // MARK: the review and its answer

    /// The object as the handler holds it when admission runs: system metadata wiped, the
    /// request's namespace set, and what admission plugins before the webhooks add (the
    /// ServiceAccount plugin's `serviceAccountName`), encoded as Go encodes a Pod (a null
    /// creationTimestamp, an empty status).
    static func asAdmitted(_ request: Request) -> JSONValue {
        var object = ObjectRepresentation.toStorage(request.object, from: request.type)
        var meta = object["metadata"]?.objectValue ?? [:]
        for field in ["uid", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"] { meta[field] = nil }
        meta["creationTimestamp"] = .null
        if request.type.namespaced { meta["namespace"] = .string(request.namespace) }
        object["metadata"] = .object(meta)
        if request.type.group.isEmpty && request.type.plural == "pods" {
            if object["spec"] == nil { object["spec"] = .object([:]) }
            if (object["spec"]?["serviceAccountName"]?.stringValue ?? "").isEmpty { object["spec"]?["serviceAccountName"] = .string("default") }
            if object["status"] == nil { object["status"] = .object([:]) }
        }
        return object
    }

    /// Back to what the store's create expects: the encoding-only members removed again.
    static func asStored(_ object: JSONValue) -> JSONValue {
        var object = object
        if object["metadata"]?["creationTimestamp"] == .null { object["metadata"]?["creationTimestamp"] = nil }
        if object["status"] == .object([:]) { object["status"] = nil }
        return object
    }

    static func review(uid: String, version: String, request: Request, object: JSONValue) -> JSONValue {
        let kind: JSONValue = .object(["group": .string(request.type.group), "version": .string(request.type.version),
                                       "kind": .string(request.type.kind)])
        let resource: JSONValue = .object(["group": .string(request.type.group), "version": .string(request.type.version),
                                           "resource": .string(request.type.plural)])
        var options: [String: JSONValue] = ["kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"]
        if request.dryRun { options["dryRun"] = .array(["All"]) }
        if let manager = request.fieldManager, !manager.isEmpty { options["fieldManager"] = .string(manager) }
        var body: [String: JSONValue] = [
            "uid": .string(uid), "kind": kind, "resource": resource, "requestKind": kind, "requestResource": resource,
            "operation": "CREATE", "userInfo": userInfo(request.user), "object": object, "oldObject": .null,
            "dryRun": .bool(request.dryRun), "options": .object(options),
        ]
        if let name = object["metadata"]?["name"]?.stringValue, !name.isEmpty { body["name"] = .string(name) }
        if request.type.namespaced { body["namespace"] = .string(request.namespace) }
        return .object(["kind": "AdmissionReview", "apiVersion": .string("admission.k8s.io/\(version)"), "request": .object(body)])
    }

    /// authentication/v1 UserInfo of the caller, with the groups the authenticators add.
    static func userInfo(_ user: SandboxUser) -> JSONValue {
        var groups: [JSONValue] = []
        if let account = user.serviceAccount {
            groups = ["system:serviceaccounts", .string("system:serviceaccounts:\(account.namespace)")]
        }
        groups.append("system:authenticated")
        return .object(["username": .string(user.name), "groups": .array(groups)])
    }

    /// webhookerrors.ToStatusErr: the webhook's Status, made a failure of at least 400.
    static func denial(_ hookName: String, _ result: JSONValue?) -> APIError {
        let deniedBy = "admission webhook \"\(hookName)\" denied the request"
        let code = Int(result?["code"]?.integerValue ?? 0)
        let message = result?["message"]?.stringValue ?? ""
        let reason = result?["reason"]?.stringValue ?? ""
        let text = !message.isEmpty ? "\(deniedBy): \(message)" : !reason.isEmpty ? "\(deniedBy): \(reason)" : "\(deniedBy) without explanation"
        var error = APIError(code: code < 400 ? 400 : code, reason: reason, message: text, details: result?["details"])
        if case .null? = error.details { error.details = nil }
        return error
    }
}

/// The members of an AdmissionReview's `response` the dispatcher uses, checked as
/// VerifyAdmissionResponse checks them for a mutating webhook.
struct ReviewResponse {
    struct Invalid: Error {
        var reason: String
    }

    var allowed: Bool
    var patch: Data?
    var patchType: String?
    var result: JSONValue?
    var warnings: [String]

    init(_ review: JSONValue, uid: String, version: String) throws(Invalid) {
        guard let response = review["response"], response != .null else { throw Invalid(reason: "webhook response was absent") }
        let patchText = response["patch"]?.stringValue ?? ""
        var patch = patchText.isEmpty ? nil : Data(base64Encoded: patchText)
        if !patchText.isEmpty && patch == nil { throw Invalid(reason: "illegal base64 data in response.patch") }
        var patchType = response["patchType"].flatMap { $0 == .null ? nil : $0.stringValue }
        if version == "v1" {
            let gotUID = response["uid"]?.stringValue ?? ""
            if gotUID != uid { throw Invalid(reason: "expected response.uid=\(FieldError.goQuoted(uid)), got \(FieldError.goQuoted(gotUID))") }
            let apiVersion = review["apiVersion"]?.stringValue ?? ""
            let kind = review["kind"]?.stringValue ?? ""
            if apiVersion != "admission.k8s.io/v1" || kind != "AdmissionReview" {
                let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
                let versionPart = apiVersion.split(separator: "/").last.map(String.init) ?? ""
                throw Invalid(reason: "expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got \(group.isEmpty ? "" : group + "/")\(versionPart), Kind=\(kind)")
            }
            if patch != nil && patchType == nil { throw Invalid(reason: "webhook returned response.patch but not response.patchType") }
            if patch == nil && patchType != nil { throw Invalid(reason: "webhook returned response.patchType but not response.patch") }
            if let patchType, patchType.isEmpty { throw Invalid(reason: "webhook returned invalid response.patchType of \"\"") }
        } else {
            // v1beta1 answers were never checked for uid or kind; a patch is taken as a JSON patch.
            patchType = patch == nil ? nil : "JSONPatch"
        }
        if patch?.isEmpty == true { patch = nil }
        self.allowed = response["allowed"]?.boolValue ?? false
        self.patch = patch
        self.patchType = patchType
        self.result = response["status"].flatMap { $0 == .null ? nil : $0 }
        self.warnings = (response["warnings"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
