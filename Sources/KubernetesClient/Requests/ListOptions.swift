// ListOptions: what to list or watch (selectors), which page (limit/continue), and from which
// resourceVersion.

public struct ListOptions: Sendable, Equatable {
    public var labelSelector: LabelQuery?
    public var fieldSelector: FieldSelector?
    public var limit: Int?
    public var continueToken: String?
    /// For list: "0" allows the watch cache; for watch: where to start.
    public var resourceVersion: String?
    /// Watch only: the server ends the watch after this many seconds.
    public var timeoutSeconds: Int?

    public init(labelSelector: LabelQuery? = nil, fieldSelector: FieldSelector? = nil, limit: Int? = nil,
                continueToken: String? = nil, resourceVersion: String? = nil, timeoutSeconds: Int? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.timeoutSeconds = timeoutSeconds
    }

    var queryItems: [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if let labelSelector, !labelSelector.isEmpty { items.append(("labelSelector", labelSelector.description)) }
        if let fieldSelector, !fieldSelector.requirements.isEmpty { items.append(("fieldSelector", fieldSelector.description)) }
        if let limit { items.append(("limit", String(limit))) }
        if let continueToken, !continueToken.isEmpty { items.append(("continue", continueToken)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        if let timeoutSeconds { items.append(("timeoutSeconds", String(timeoutSeconds))) }
        return items
    }
}
