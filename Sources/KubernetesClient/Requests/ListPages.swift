// ListPages: a paginated list as a sequence of pages, each requested when the caller asks for
// it, so a consumer (the informer's relist) holds one page at a time instead of the whole list
// beside what it already caches. The pages form one consistent snapshot at the first page's
// resourceVersion; when a continue token outlives the server's history (410 Expired), the
// sequence falls back to one unpaginated list, as client-go's pager does, and marks that page
// `restarted` so the consumer forgets what the earlier pages listed.
import RegcredCore

public struct ListPage<Kept: Sendable>: Sendable {
    public var items: [Kept]
    /// The snapshot's metadata: the first page's resourceVersion, no continue token.
    public var metadata: ListMeta
    /// This page starts the snapshot over (the unpaginated fallback): earlier pages do not count.
    public var restarted: Bool
}

public struct ListPages<Object: KubernetesObject, Kept: Sendable>: AsyncSequence, Sendable {
    public typealias Element = ListPage<Kept>

    let client: ResourceClient<Object>
    let options: ListOptions
    let pageSize: Int
    let keep: @Sendable (Object) -> Kept

    public func makeAsyncIterator() -> Iterator {
        Iterator(client: client, options: options, pageSize: pageSize, keep: keep)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let client: ResourceClient<Object>
        let options: ListOptions
        let pageSize: Int
        let keep: @Sendable (Object) -> Kept
        private var metadata: ListMeta?
        private var token: String?
        private var finished = false

        init(client: ResourceClient<Object>, options: ListOptions, pageSize: Int, keep: @escaping @Sendable (Object) -> Kept) {
            self.client = client
            self.options = options
            self.pageSize = pageSize
            self.keep = keep
        }

        public mutating func next() async throws -> ListPage<Kept>? {
            guard !finished else { return nil }
            var pageOptions = options
            pageOptions.limit = pageSize
            if let token {
                pageOptions.continueToken = token
                pageOptions.resourceVersion = nil
            }
            let page: ObjectList<Object>
            do {
                page = try await client.list(pageOptions)
            } catch let error as KubeAPIError where error.isGone && token != nil {
                var whole = options
                whole.limit = nil
                whole.continueToken = nil
                let result = try await client.list(whole)
                finished = true
                return ListPage(items: result.items.map(keep), metadata: Self.snapshot(result.metadata), restarted: true)
            }
            if metadata == nil { metadata = Self.snapshot(page.metadata) }
            token = page.continueToken
            finished = token == nil
            return ListPage(items: page.items.map(keep), metadata: metadata!, restarted: false)
        }

        private static func snapshot(_ metadata: ListMeta) -> ListMeta {
            var snapshot = metadata
            snapshot.continue = nil
            snapshot.remainingItemCount = nil
            return snapshot
        }
    }
}

extension ResourceClient {
    /// Every page of a list, one request per page as the caller iterates, keeping of each object
    /// only what `keep` returns (an informer caching a smaller value).
    public func pages<Kept: Sendable>(
        _ options: ListOptions = ListOptions(), pageSize: Int = 500, keeping keep: @escaping @Sendable (Object) -> Kept
    ) -> ListPages<Object, Kept> {
        ListPages(client: self, options: options, pageSize: pageSize, keep: keep)
    }
}
