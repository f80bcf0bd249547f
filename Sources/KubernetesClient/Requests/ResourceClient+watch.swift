// Watching a resource: one streaming connection from a resourceVersion, with bookmarks. The
// Informer adds resume, relist and backoff on top.

extension ResourceClient {
    /// Opens a watch. `options.resourceVersion` is where to start (events after it);
    /// `options.timeoutSeconds` asks the server to end the watch, after which one re-watches.
    public func watch(_ options: ListOptions = ListOptions(), allowBookmarks: Bool = true) async throws -> WatchEventSequence<Object> {
        var query: [(name: String, value: String)] = [("watch", "1")]
        var listOptions = options
        listOptions.limit = nil
        listOptions.continueToken = nil
        query += listOptions.queryItems
        if allowBookmarks { query.append(("allowWatchBookmarks", "true")) }
        // The server ends the watch at timeoutSeconds; a connection silent well past that is dead.
        let deadline: Duration = .seconds((options.timeoutSeconds ?? 1800) + 60)
        let request = KubeRequest(
            verb: .watch, method: .GET, path: resource.path(namespace: namespace), query: query,
            operation: operation("watch", nil), timeout: deadline)
        let response = try await client.openStream(request)
        return WatchEventSequence(body: response.body, operation: request.operation, server: client.config.server)
    }
}
