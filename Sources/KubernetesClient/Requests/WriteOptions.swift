// WriteOptions: options of create, update and patch: server-side dry run and field manager.

public struct WriteOptions: Sendable, Equatable {
    /// Validate and admit on the server without persisting (`dryRun=All`).
    public var dryRun: Bool
    /// Who owns the fields written (server-side apply and managedFields).
    public var fieldManager: String?

    public init(dryRun: Bool = false, fieldManager: String? = nil) {
        self.dryRun = dryRun
        self.fieldManager = fieldManager
    }

    var queryItems: [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if dryRun { items.append(("dryRun", "All")) }
        if let fieldManager { items.append(("fieldManager", fieldManager)) }
        return items
    }
}
