// WatchFilter: which objects one list or watch request sees (namespace, label and field
// selectors), shared by list and watch so the two can never disagree.
import RegcredCore

struct WatchFilter: Sendable {
    var namespace: String?
    var labels: LabelSelector
    var fields: FieldSelector

    func matches(_ object: JSONValue) -> Bool {
        if let namespace, object["metadata"]?["namespace"]?.stringValue ?? "" != namespace { return false }
        if !labels.isEmpty {
            var set: [String: String] = [:]
            for (key, value) in object["metadata"]?["labels"]?.objectValue ?? [:] { set[key] = value.stringValue ?? "" }
            if !labels.matches(set) { return false }
        }
        return fields.isEmpty || fields.matches(object)
    }
}
