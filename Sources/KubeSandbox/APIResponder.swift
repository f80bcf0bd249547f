// APIResponder: the HTTP face of the sandbox. For each request: parse the URL, authenticate,
// count, apply injected faults, authorize, then call the ObjectStore and encode the answer
// (objects, lists, Status errors, or a newline-delimited watch stream).
import Foundation
import Hummingbird
import NIOCore
import RegcredCore

struct APIResponder: HTTPResponder {
    typealias Context = SandboxRequestContext

    let store: ObjectStore
    let registry: ResourceRegistry
    let users: [SandboxUser]
    let unauthenticatedUser: SandboxUser?
    let faults: FaultInjector
    let admission: MutatingAdmission
    let counters: RequestCounters
    let serverAddress: @Sendable () -> String

    static let maxBodySize = 8 * 1024 * 1024

    func respond(to request: Request, context: Context) async throws -> Response {
        do {
            return try await handle(request, context: context)
        } catch let error as APIError {
            return Self.errorResponse(error)
        } catch {
            return Self.errorResponse(APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(error)"))
        }
    }

    private func handle(_ request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let query = Self.parseQuery(request.uri.query ?? "")
        let method = request.method.rawValue

        if ["/version", "/healthz", "/livez", "/readyz"].contains(path) {
            return path == "/version" ? Self.json(Discovery.version) : Self.text("ok")
        }
        let user = try await authenticate(request, context: context)
        let discovery = Discovery(registry: registry)
        switch path {
        case "/api", "/api/": return Self.json(discovery.coreVersions(serverAddress: serverAddress()))
        case "/apis", "/apis/": return Self.json(discovery.groupList)
        default: break
        }

        switch RequestInfo.parse(method: method, path: path, query: query, registry: registry) {
        case .unknown:
            throw APIError.pathNotFound()
        case .discovery(let group, let version):
            if let version {
                guard let list = discovery.resourceList(group: group, version: version) else { throw APIError.pathNotFound() }
                return Self.json(list)
            }
            guard registry.groups.contains(group) else { throw APIError.pathNotFound() }
            return Self.json(discovery.group(group))
        case .resource(let info):
            return try await serve(info, request: request, query: query, user: user)
        }
    }

    private func authenticate(_ request: Request, context: Context) async throws(APIError) -> SandboxUser {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer", let user = users.first(where: { $0.token == parts[1] }) {
                return user
            }
            if parts.count == 2, parts[0].lowercased() == "bearer", let account = await store.serviceAccount(forToken: String(parts[1])) {
                return .serviceAccount(account, token: String(parts[1]))
            }
            throw APIError.unauthorized
        }
        if let commonName = await ClientCertificate.commonName(on: context.channel),
           let user = users.first(where: { $0.name == commonName }) {
            return user
        }
        if let unauthenticatedUser { return unauthenticatedUser }
        throw APIError.unauthorized
    }

    private func serve(_ info: RequestInfo, request: Request, query: [String: String], user: SandboxUser) async throws -> Response {
        var request = request
        let type = info.type
        let resourceLabel = info.subresource.map { "\(type.plural)/\($0)" } ?? type.plural
        counters.increment(verb: info.verb, resource: resourceLabel)

        let delay = faults.latency(verb: info.verb, resource: type.plural)
        if delay > .zero { try await Task.sleep(for: delay) }
        if let failure = faults.takeFailure(verb: info.verb, resource: type.plural, namespace: info.namespace) {
            throw APIError.injected(code: failure.status, type: type, name: info.name, retryAfter: failure.retryAfterSeconds)
        }

        // Selectors are parsed before authorization: a list/watch pinned by metadata.name is
        // authorized as a request for that name.
        let labels = try LabelSelector(parsing: query["labelSelector"] ?? "")
        let fields = try FieldSelector(parsing: query["fieldSelector"] ?? "", type: type)
        var attributes = Authorizer.Attributes(verb: info.verb, group: type.group, resource: type.plural,
                                               subresource: info.subresource, namespace: info.namespace, name: info.name)
        if ["list", "watch"].contains(info.verb), info.name.isEmpty, let pinned = fields.exactName { attributes.name = pinned }
        var user = user
        if let account = user.serviceAccount { user.rules = await store.rules(forServiceAccount: account) }
        guard Authorizer.allows(user, attributes) else {
            throw APIError.forbidden(type, info.name, Authorizer.denial(user, attributes))
        }

        let dryRun = query["dryRun"] == "All"
        switch info.verb {
        case "get":
            let object = try await store.get(type, namespace: info.namespace, name: info.name)
            if Self.wantsTable(request) {
                return Self.json(TableRenderer.table(rows: [TableRenderer.row(object, type: type)], type: type,
                                                     meta: ["resourceVersion": object["metadata"]?["resourceVersion"] ?? .string("")]))
            }
            return Self.json(object)
        case "list":
            let filter = WatchFilter(namespace: info.namespace, labels: labels, fields: fields)
            let limit = query["limit"].flatMap { Int($0) }
            let page = try await store.list(type, filter: filter, limit: limit, continueToken: query["continue"])
            if Self.wantsTable(request) { return Self.json(TableRenderer.table(page: page, type: type)) }
            return Self.json(Self.listBody(page, type: type))
        case "watch":
            var filter = WatchFilter(namespace: info.namespace, labels: labels, fields: fields)
            if !info.name.isEmpty {
                filter.fields.requirements.append(.init(field: "metadata.name", value: info.name, equal: true))
            }
            return await watchResponse(type: type, filter: filter, query: query, table: Self.wantsTable(request))
        case "create" where info.subresource == "token":
            let body = try await Self.body(&request)
            return Self.json(try await store.issueToken(namespace: info.namespace ?? "", serviceAccount: info.name, request: body), status: .created)
        case "create":
            let body = try await Self.body(&request)
            // Mutating admission runs before validation and storage, as in the real server.
            let admitted = try await admission.admitCreate(.init(
                type: type, namespace: info.namespace ?? "", object: body, user: user, dryRun: dryRun,
                fieldManager: query["fieldManager"]))
            let created = try await store.create(type, namespace: info.namespace, body: admitted.object, dryRun: dryRun)
            var response = Self.json(created, status: .created)
            for warning in admitted.warnings { response.headers.append(HTTPFields.Element(name: Self.warningHeader, value: Self.warningValue(warning))) }
            return response
        case "update":
            let body = try await Self.body(&request)
            return Self.json(try await store.update(type, namespace: info.namespace, name: info.name, body: body,
                                                    subresource: info.subresource, dryRun: dryRun))
        case "patch":
            let contentType = request.headers[.contentType] ?? ""
            guard let kind = PatchKind(contentType: contentType), !(kind == .strategic && type.isCustom) else {
                var accepted = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]
                if !type.isCustom { accepted.insert("application/strategic-merge-patch+json", at: 2) }
                throw APIError.unsupportedMediaType(contentType, accepted: accepted)
            }
            if kind == .apply && (query["fieldManager"] ?? "").isEmpty {
                throw APIError.invalid(ResourceType(group: "meta.k8s.io", version: "v1", plural: "patchoptions", singular: "",
                                                    kind: "PatchOptions.meta.k8s.io", namespaced: false),
                                       "", [.required("fieldManager", "is required for apply patch")])
            }
            let body = try await Self.body(&request, yaml: kind == .apply)
            let result = try await store.patch(type, namespace: info.namespace, name: info.name, kind: kind, patch: body,
                                               subresource: info.subresource, dryRun: dryRun)
            return Self.json(result.object, status: result.created ? .created : .ok)
        case "delete":
            let body = (try? await Self.body(&request)) ?? .null
            var options = ObjectStore.DeleteOptions()
            options.preconditionUID = body["preconditions"]?["uid"]?.stringValue
            options.preconditionResourceVersion = body["preconditions"]?["resourceVersion"]?.stringValue
            options.dryRun = dryRun || (body["dryRun"]?.arrayValue?.contains(.string("All")) ?? false)
            let result = try await store.delete(type, namespace: info.namespace, name: info.name, options: options)
            // Most kinds answer a finished delete with a Status; kinds whose registry sets
            // ReturnDeletedObject (pods, service accounts), namespaces, and objects held by
            // finalizers answer with the object.
            if result.deleted && !(type.group.isEmpty && ["namespaces", "pods", "serviceaccounts"].contains(type.plural)) {
                var details = APIError.details(type, name: info.name).objectValue ?? [:]
                details["uid"] = result.object["metadata"]?["uid"]
                return Self.json(.object(["kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([:]),
                                          "status": .string("Success"), "details": .object(details)]))
            }
            return Self.json(result.object)
        case "deletecollection":
            let filter = WatchFilter(namespace: info.namespace, labels: labels, fields: fields)
            let page = try await store.deleteCollection(type, filter: filter, dryRun: dryRun)
            return Self.json(Self.listBody(page, type: type))
        default:
            throw APIError.methodNotAllowed(info.verb, type)
        }
    }

    private func watchResponse(type: ResourceType, filter: WatchFilter, query: [String: String], table: Bool) async -> Response {
        let bookmarks = ["1", "true"].contains(query["allowWatchBookmarks"]?.lowercased() ?? "")
        let source = await store.watch(type, filter: filter, fromVersion: query["resourceVersion"], bookmarks: bookmarks)
        let timeout = query["timeoutSeconds"].flatMap { Int($0) }.map { Duration.seconds($0) }
        let (events, continuation) = AsyncStream<JSONValue>.makeStream()
        let forward = Task {
            for await event in source { continuation.yield(event) }
            continuation.finish()
        }
        let timer = timeout.map { timeout in
            Task {
                try await Task.sleep(for: timeout)
                continuation.finish()
            }
        }
        continuation.onTermination = { _ in
            forward.cancel()
            timer?.cancel()
        }
        let body = ResponseBody { writer in
            defer { continuation.finish() }
            for await event in events {
                var line = (table ? TableRenderer.watchEvent(event, type: type) : event).encoded()
                line.append(0x0A)
                try await writer.write(ByteBuffer(bytes: line))
            }
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-cache, private"
        return Response(status: .ok, headers: headers, body: body)
    }

    // MARK: encoding helpers

    static func listBody(_ page: ObjectStore.ListPage, type: ResourceType) -> JSONValue {
        var meta: [String: JSONValue] = ["resourceVersion": .string(String(page.resourceVersion))]
        if let token = page.continueToken { meta["continue"] = .string(token) }
        if let remaining = page.remaining { meta["remainingItemCount"] = .integer(Int64(remaining)) }
        // Built-in lists are typed: their items carry no kind/apiVersion. Custom resource lists
        // are unstructured and keep them.
        let items = type.isCustom ? page.items : page.items.map { item -> JSONValue in
            var item = item
            item["kind"] = nil
            item["apiVersion"] = nil
            return item
        }
        return .object(["kind": .string("\(type.kind)List"), "apiVersion": .string(type.apiVersion),
                        "metadata": .object(meta), "items": .array(items)])
    }

    static let warningHeader = HTTPFields.Element.Name("Warning")!

    /// A warning as the API server sends it: code 299, no agent, the text quoted.
    static func warningValue(_ text: String) -> String {
        "299 - \"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func wantsTable(_ request: Request) -> Bool {
        (request.headers[.accept] ?? "").contains("as=Table")
    }

    /// Media types of request bodies the sandbox reads. The real server also reads protobuf, which
    /// kubectl 1.30 and later send for built-in kinds; the sandbox refuses it as a server refuses a
    /// type it does not speak (415), rather than reading its bytes as broken JSON.
    static let readableMediaTypes = ["application/json", "application/yaml"]

    static func body(_ request: inout Request, yaml: Bool = false) async throws -> JSONValue {
        if let contentType = request.headers[.contentType] {
            let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            // JSON and YAML, and the patch types built on them (application/merge-patch+json, …).
            let readable = readableMediaTypes.contains(mediaType) || mediaType.hasSuffix("+json") || mediaType.hasSuffix("+yaml")
            guard readable || mediaType.isEmpty else { throw APIError.unsupportedMediaType(contentType, accepted: readableMediaTypes) }
        }
        let buffer = try await request.collectBody(upTo: maxBodySize)
        let data = Data(buffer.readableBytesView)
        if data.isEmpty { throw APIError.badRequest("the body of the request was empty") }
        let parseError: JSONSyntaxError
        do { return try JSONValue(parsing: data) } catch { parseError = error }
        if yaml || request.headers[.contentType]?.contains("yaml") == true,
           let value = try? JSONValue(yaml: String(decoding: data, as: UTF8.self)) {
            return value
        }
        throw APIError.badRequest("couldn't get version/kind; json parse error: \(parseError.detail) (\(data.count) bytes)")
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.encoded())))
    }

    static func text(_ value: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: value)))
    }

    static func errorResponse(_ error: APIError) -> Response {
        var response = json(error.status, status: HTTPResponse.Status(code: error.code))
        if let retryAfter = error.headers["Retry-After"] { response.headers[.retryAfter] = retryAfter }
        return response
    }

    /// Go's url.ParseQuery: `+` is a space, percent escapes decoded, the first value wins.
    static func parseQuery(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            let key = decode(parts[0])
            if result[key] == nil { result[key] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return result
    }
}
