// WatchRecord: one change kept in a resource's history so that watches can resume from a
// resourceVersion; `previous` lets a selector-filtered watch turn "left the selector" into DELETED.
import RegcredCore

struct WatchRecord: Sendable {
    enum Change: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }

    var change: Change
    var resourceVersion: Int
    var object: JSONValue
    var previous: JSONValue?
}
