// The JSON merge patch (RFC 7386) that turns one document into another. Fields that vanished
// must be sent as null, or the server keeps them (a cleared status list would linger).

extension JSONValue {
    /// The merge patch from `old` to `self`: changed members, recursively for objects; removed
    /// members as null; arrays and scalars replaced whole.
    public func mergePatch(from old: JSONValue?) -> JSONValue {
        guard case .object(let newMembers) = self, case .object(let oldMembers)? = old else { return self }
        var patch: [String: JSONValue] = [:]
        for (key, value) in newMembers where oldMembers[key] != value {
            patch[key] = value.mergePatch(from: oldMembers[key])
        }
        for key in oldMembers.keys where newMembers[key] == nil {
            patch[key] = .null
        }
        return .object(patch)
    }
}
