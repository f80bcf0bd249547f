// ObjectKey: where an object lives inside one resource's storage; its string form orders
// objects the way etcd keys do, which is the order of list results and continue tokens.
struct ObjectKey: Hashable, Sendable {
    var namespace: String
    var name: String

    var sortKey: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }
}
