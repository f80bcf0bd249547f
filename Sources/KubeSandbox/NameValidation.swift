// NameValidation: DNS-1123 subdomain and label rules for object names, with apimachinery's
// exact messages, and the default "which rule applies to which kind".
enum NameValidation {
    static let subdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let labelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

    static func isLabel(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 63 else { return false }
        let bytes = Array(name.utf8)
        func alnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
        guard alnum(bytes.first!), alnum(bytes.last!) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 45 }
    }

    static func isSubdomain(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            // Each dot-separated part follows the label charset; length is bounded by the whole.
            let bytes = Array(part.utf8)
            func alnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
            guard let first = bytes.first, let last = bytes.last, alnum(first), alnum(last) else { return false }
            return bytes.allSatisfy { alnum($0) || $0 == 45 }
        }
    }

    /// Errors for `metadata.name` (and path-segment safety) of an object of `type`.
    static func validate(name: String, type: ResourceType) -> [FieldError] {
        if type.plural == "namespaces" {
            var errors: [FieldError] = []
            if name.utf8.count > 63 { errors.append(.invalid("metadata.name", string: name, "must be no more than 63 characters")) }
            if !isLabel(name) { errors.append(.invalid("metadata.name", string: name, labelMessage)) }
            return errors
        }
        var errors: [FieldError] = []
        if name.utf8.count > 253 { errors.append(.invalid("metadata.name", string: name, "must be no more than 253 characters")) }
        if !isSubdomain(name) { errors.append(.invalid("metadata.name", string: name, subdomainMessage)) }
        return errors
    }
}
